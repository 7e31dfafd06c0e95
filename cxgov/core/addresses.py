"""United States postal addresses: the state and territory list of the USWDS address form,
ZIP code checking, and one address as it is printed on an envelope."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The list of the USWDS address pattern: states, the District of Columbia, territories and
# military post offices, by their USPS codes.
US_STATES: tuple[tuple[str, str], ...] = (
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("AS", "AS - American Samoa"),
    ("GU", "GU - Guam"),
    ("MP", "MP - Northern Mariana Islands"),
    ("PR", "PR - Puerto Rico"),
    ("VI", "VI - U.S. Virgin Islands"),
    ("UM", "UM - U.S. Minor Outlying Islands"),
    ("AA", "AA - Armed Forces Americas"),
    ("AE", "AE - Armed Forces Africa"),
    ("AP", "AP - Armed Forces Pacific"),
)
STATE_CODES = frozenset(code for code, _name in US_STATES)
_ZIP = re.compile(r"(\d{5})(?:[- ]?(\d{4}))?")


def zip_code_clean(value: str) -> str:
    """A ZIP code as 12345 or 12345-6789; anything else is refused with how to write it."""
    text = value.strip()
    match = _ZIP.fullmatch(text) if text.isascii() else None
    if match is None:
        raise ValidationError(
            _("Enter a ZIP code with 5 digits, or 9 digits as 12345-6789."), code="zip_code"
        )
    first, plus_four = match.groups()
    return f"{first}-{plus_four}" if plus_four else first


@dataclass(frozen=True)
class PostalAddress:
    """One mailing address in the parts of the USWDS address form."""

    line_1: str = ""
    line_2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""

    def __bool__(self) -> bool:
        return any((self.line_1, self.line_2, self.city, self.state, self.zip_code))

    def formatted(self) -> str:
        """The address as printed on an envelope, one line per row."""
        last = " ".join(part for part in (f"{self.city}," if self.city else "", self.state) if part)
        last = " ".join(part for part in (last, self.zip_code) if part)
        return "\n".join(line for line in (self.line_1, self.line_2, last.strip(" ,")) if line)
