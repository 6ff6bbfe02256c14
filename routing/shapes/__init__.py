"""Wire shapes the /v1 API speaks. The pipeline works in OpenAI's Chat Completions shape;
each shape translates requests in and completions, chunks and errors out.

Dependencies run one way: shapes use routing.validation, routing.errors and routing.call_log,
and nothing in the pipeline's steps imports a shape.
"""

from routing.shapes.anthropic import ANTHROPIC
from routing.shapes.base import ApiShape
from routing.shapes.openai import OPENAI

__all__ = ["ANTHROPIC", "OPENAI", "ApiShape"]
