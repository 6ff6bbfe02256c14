"""The hub app's tables: the browser workbench's, defined in ``hub.workbench.models``."""

from hub.workbench.models import Conversation as Conversation
from hub.workbench.models import Message as Message
from hub.workbench.models import PlaygroundRun as PlaygroundRun
from hub.workbench.models import PlaygroundSlot as PlaygroundSlot
from hub.workbench.models import Vote as Vote
