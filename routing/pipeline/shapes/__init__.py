"""Wire shapes the /v1 API speaks. The pipeline works in OpenAI's Chat Completions shape;
each shape translates requests in and completions, chunks and errors out: OpenAI's chat,
Anthropic's Messages, legacy Completions, and the Responses API (responses.py, with a call
object of its own per request, since a Response echoes its request and may be stored).

Dependencies run one way: shapes use the pipeline's validation, errors, call log and
streaming helpers, and nothing in the pipeline's steps imports a shape; the spine picks one.
"""

from routing.pipeline.shapes.anthropic import ANTHROPIC
from routing.pipeline.shapes.base import ApiShape
from routing.pipeline.shapes.completions import COMPLETIONS
from routing.pipeline.shapes.openai import OPENAI

__all__ = ["ANTHROPIC", "COMPLETIONS", "OPENAI", "ApiShape"]
