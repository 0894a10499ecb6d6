"""`python app.py [--host] [--port] …` starts the web app, the same as `python -m assistant serve`."""
from assistant.cli.serve import command

if __name__ == "__main__":
    command(prog_name="app.py")
