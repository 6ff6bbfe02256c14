"""The hub app's tables: the browser workbench's, defined in ``hub.workbench.models``;
the prompt library's (``hub.prompts.models``) and conversation imports'
(``hub.portability.models``)."""

from hub.portability.models import ImportedConversation as ImportedConversation
from hub.prompts.models import PromptTemplate as PromptTemplate
from hub.prompts.models import PromptVersion as PromptVersion
from hub.workbench.models import Conversation as Conversation
from hub.workbench.models import Message as Message
from hub.workbench.models import PlaygroundRun as PlaygroundRun
from hub.workbench.models import PlaygroundSlot as PlaygroundSlot
from hub.workbench.models import Vote as Vote
