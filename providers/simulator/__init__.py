"""A simulated provider: a real HTTP server speaking OpenAI's, Anthropic's and Gemini's wire
formats with deterministic answers and scripted faults, so the hub can be tried and tested
without any API key or network."""
