"""Language-model backends (none, local llama.cpp, OpenAI-compatible server) behind one interface; the model only phrases."""
