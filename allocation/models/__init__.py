"""Models of allocation: the lottery here, every other part in its own package (imported to register)."""

from .lottery import Lottery, LotteryEntrant, LotteryResult, LotteryState

__all__ = ["Lottery", "LotteryEntrant", "LotteryResult", "LotteryState"]

from ..annual_review.declarations import *  # noqa: E402, F403
from ..annual_review.models import *  # noqa: E402, F403
from ..contracts.models import *  # noqa: E402, F403
from ..exits.models import *  # noqa: E402, F403
from ..ledgers.models import *  # noqa: E402, F403
from ..plans.models import *  # noqa: E402, F403
from ..resale.models import *  # noqa: E402, F403
from ..selection.models import *  # noqa: E402, F403
from ..subsidies.models import *  # noqa: E402, F403
from ..tenancy.models import *  # noqa: E402, F403
from ..waitlist.models import *  # noqa: E402, F403
