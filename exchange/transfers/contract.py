"""What an enrollment system sends to ``POST /transfers``.

The member is named by our enterprise member key: their demographics come from our own
records, never from the request. The previous payer is a registered partner id.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MemberKey = Annotated[str, Field(pattern=r"^M-[0-9a-f]{16}$", description="Our enterprise member key.")]
PartnerId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,62}$", description="A registered partner id.")]
# Card values as payers print them (``7000314187*01``): printable ASCII, no control characters.
Text = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e][\x20-\x7e]*$")]
RequestId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PreviousCoverage(Strict):
    """The card of the coverage the member had at the previous payer."""

    member_id: Text | None = None
    subscriber_id: Text | None = None
    group: Text | None = None
    plan: Text | None = None
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _identified(self) -> PreviousCoverage:
        if not (self.member_id or self.subscriber_id):
            raise ValueError("the previous coverage needs member_id or subscriber_id")
        if self.start and self.end and self.end < self.start:
            raise ValueError("the previous coverage ends before it starts")
        return self


class NewCoverage(Strict):
    """Our coverage of the member."""

    member_id: Text
    start: date


class OptIn(Strict):
    """The member's opt-in to the payer-to-payer exchange (HRex consent)."""

    policy: Literal["regular", "sensitive"]
    start: date
    end: date
    opted_in_on: date | None = Field(None, description="When the member opted in; default: the consent's start.")

    @model_validator(mode="after")
    def _period(self) -> OptIn:
        if self.end < self.start:
            raise ValueError("the consent ends before it starts")
        return self


class TransferRequest(Strict):
    member_key: MemberKey
    previous_payer: PartnerId
    previous_coverage: PreviousCoverage
    new_coverage: NewCoverage
    consent: OptIn
    source_request_id: RequestId = Field(description="The enrollment system's own id for this request.")
