"""Gradio tabs of the app; app.py / `python -m assistant serve` build them (assistant/ui/layout.py)."""
