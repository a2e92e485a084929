"""Labels of the comparison levels that decisions read by name.

A saved model keeps each level's ``label_for_charts``; the auto-confirm guard
(``matching.linkage.guard``) reads levels by these labels, in batch and in real time. So
the comparisons set them from here instead of relying on Splink's generated text, which
may change between Splink versions. Plain strings: importing this module needs no Splink.
"""

from __future__ import annotations

from typing import Final

# first_name
FIRST_NAME_EXACT: Final = "Same first name"
FIRST_NAME_NICKNAME: Final = "One first name is a nickname of the other"  # Bob and Robert
FIRST_NAME_RELATED: Final = "Related first names (nicknames of one formal name)"  # Jon and Jack (John)
FIRST_NAME_TYPO: Final = "First names one typo apart"

# dob
DOB_EXACT: Final = "Same date of birth"
DOB_TRANSPOSED: Final = "Day and month transposed"
DOB_ONE_DIGIT: Final = "One digit wrong or two adjacent digits swapped"

# ssn
SSN_SAME_FULL: Final = "Same full SSN"
SSN_SAME_LAST4: Final = "Same last four SSN digits"

# member_id
MEMBER_ID_EXACT: Final = "Same member id"
