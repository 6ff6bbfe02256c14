"""Wire shapes the /v1 API speaks. The pipeline works in OpenAI's Chat Completions shape;
each shape translates requests in and completions, chunks and errors out.

Dependencies run one way: shapes use the pipeline's validation, errors, call log and
streaming helpers, and nothing in the pipeline's steps imports a shape; the spine picks one.
"""

from routing.pipeline.shapes.anthropic import ANTHROPIC
from routing.pipeline.shapes.base import ApiShape
from routing.pipeline.shapes.openai import OPENAI

__all__ = ["ANTHROPIC", "OPENAI", "ApiShape"]
