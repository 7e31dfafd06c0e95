"""Ways a survey reaches people: QR codes, embed snippets, invitation messages and their links.

Contacts are matched (fatigue cap, opt-outs, repeats) only through `contact_hash`, a keyed hash;
the address itself is kept on the invitation only so the message can be sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core import signing
from django.core.mail.utils import DNS_NAME
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxgov.core.languages import language_for
from cxgov.surveys.models import Invitation, InvitationChannel, Survey

_CONTACT_SALT = "cxgov.surveys.contact"
_OPT_OUT_SALT = "cxgov.surveys.opt_out"
_MESSAGE_ID_SALT = "cxgov.surveys.message_id"
_SMS_STATUS_SALT = "cxgov.surveys.sms_status"
# The Message-ID of an invitation email: the invitation id signed, so a bounce names it and
# nobody can forge a bounce for an invitation whose message they never saw.
_MESSAGE_ID = re.compile(r"<cxgov-invitation\.([0-9]{1,12}\.[A-Za-z0-9_-]{10,100})@[^<>\s]{1,255}>")
# What a phone number may hold as typed: digits, one leading +, spaces, dots, dashes, brackets.
_PHONE_TYPED = re.compile(r"\+?[0-9 ().-]{7,24}")


def qr_svg(url: str) -> str:
    """An SVG QR code (a single path, no style attributes) that opens `url`."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    # A title makes the code announce what it is when placed on a page.
    return svg.replace(">", "><title>QR code for the survey</title>", 1)


def phone_normalise(typed: str) -> str:
    """A US or international number as E.164 (`+12025550123`), or "" when it is not one."""
    typed = typed.strip()
    if not _PHONE_TYPED.fullmatch(typed):
        return ""
    digits = re.sub(r"[^0-9]", "", typed)
    if typed.startswith("+"):
        return f"+{digits}" if 8 <= len(digits) <= 15 and digits[0] != "0" else ""
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    # A North American number: area code and exchange never start with 0 or 1.
    if len(digits) == 10 and digits[0] not in "01" and digits[3] not in "01":
        return f"+1{digits}"
    return ""


def contact_hash(contact: str) -> str:
    """The keyed hash an address or number is matched by (lower-cased, as normalised)."""
    return salted_hmac(_CONTACT_SALT, contact.strip().lower(), algorithm="sha256").hexdigest()


def opt_out_token(invitation: Invitation) -> str:
    """The signed part of an invitation's opt-out link (made when sent, never stored)."""
    return signing.dumps(invitation.pk, salt=_OPT_OUT_SALT, compress=True)


def opt_out_read(token: str) -> int | None:
    """The invitation id an opt-out link names, or None when it was not signed here."""
    try:
        value = signing.loads(token[:200], salt=_OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def invitation_message_id(invitation: Invitation) -> str:
    """The Message-ID header of an invitation's email; a delivery report quotes it back."""
    signed = signing.Signer(salt=_MESSAGE_ID_SALT, sep=".").sign(str(invitation.pk))
    return f"<cxgov-invitation.{signed}@{DNS_NAME}>"


def sms_status_url(invitation: Invitation) -> str:
    """The address Twilio posts a text invitation's delivery reports to: the invitation id
    signed, so a report can only name an invitation this site sent."""
    signed = signing.Signer(salt=_SMS_STATUS_SALT).sign(str(invitation.pk))
    return _absolute(reverse("public:sms_status", kwargs={"token": signed}))


def invitation_id_of_sms_status(token: str) -> int | None:
    """The invitation a delivery report's address names, or None when it was not signed here."""
    try:
        return int(signing.Signer(salt=_SMS_STATUS_SALT).unsign(token[:120]))
    except (signing.BadSignature, ValueError):
        return None


def invitation_id_of_message(message_id: str) -> int | None:
    """The invitation a Message-ID was made for, or None when it was not made here."""
    found = _MESSAGE_ID.fullmatch(message_id.strip()[:400])
    if found is None:
        return None
    try:
        return int(signing.Signer(salt=_MESSAGE_ID_SALT, sep=".").unsign(found.group(1)))
    except (signing.BadSignature, ValueError):
        return None


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def pra_statement(survey: Survey, *, with_number: bool = True) -> str:
    """The Paperwork Reduction Act statement of the survey's clearance, in the active language.

    `with_number` starts it with the OMB control number and expiry (a message has no other
    place for them; the widget shows them on a line of their own).
    """
    parts = []
    if with_number and survey.omb_control_number:
        number = _("OMB control number") + f": {survey.omb_control_number}"
        if survey.omb_expiration_date:
            number += " · " + _("Expiration date") + ": "
            number += formats.date_format(survey.omb_expiration_date, "SHORT_DATE_FORMAT")
        parts.append(number + ".")
    parts.append(_("Paperwork Reduction Act statement: this survey is voluntary."))
    if survey.burden_minutes:
        parts.append(
            ngettext(
                "Public reporting burden for this collection of information is estimated to "
                "average %(minutes)s minute per response, including the time for reviewing "
                "instructions and completing the survey.",
                "Public reporting burden for this collection of information is estimated to "
                "average %(minutes)s minutes per response, including the time for reviewing "
                "instructions and completing the survey.",
                survey.burden_minutes,
            )
            % {"minutes": survey.burden_minutes}
        )
    parts.append(
        _(
            "An agency may not conduct or sponsor, and a person is not required to respond to, "
            "a collection of information unless it displays a currently valid OMB control "
            "number."
        )
    )
    return " ".join(parts)


@dataclass(frozen=True)
class Message:
    """One invitation or reminder as it leaves: subject (email only) and text."""

    subject: str
    body: str


def invitation_message(
    *, survey: Survey, invitation: Invitation, token: str, reminder: bool
) -> Message:
    """The message in the person's language: the link, the opt-out link and the PRA statement."""
    language = language_for(agency=survey.agency, language=invitation.language)
    with translation.override(language):
        title = survey.display_title
        link = _absolute(reverse("public:survey", kwargs={"public_id": survey.public_id}))
        link += "?" + urlencode({"t": token})
        opt_out = _absolute(
            reverse("public:survey_opt_out", kwargs={"token": opt_out_token(invitation)})
        )
        names = {"title": title, "agency": survey.agency.name}
        subject = (_("Reminder: %(title)s") if reminder else _("%(agency)s asks: %(title)s")) % (
            names
        )
        if invitation.channel == InvitationChannel.SMS:
            body = " ".join(
                [
                    _("%(agency)s asks: %(title)s") % names,
                    link,
                    _("No more survey messages: %(link)s") % {"link": opt_out},
                    pra_statement(survey),
                ]
            )
            return Message(subject="", body=body)
        paragraphs = [
            _("%(agency)s would like to hear how your experience went.") % names,
            _("Answer here (the link works once):") + "\n" + link,
            _("This link replaces any earlier one we sent you.") if reminder else "",
            _("To get no more survey invitations from %(agency)s, open this link:") % names
            + "\n"
            + opt_out,
            pra_statement(survey),
        ]
        return Message(subject=subject, body="\n\n".join(p for p in paragraphs if p))


@dataclass(frozen=True)
class EmbedCodes:
    """What a staff member pastes or prints, each with the same context filled in."""

    page_url: str
    iframe: str
    script: str
    qr_url: str


def embed_codes(*, survey: Survey, base_url: str, context: dict[str, str]) -> EmbedCodes:
    """The iframe, the script widget and the QR code's address for `context`.

    `context` holds the chosen `service`, `channel`, `stage`, `segment` and `loc` (blank ones
    are left out); `base_url` is this site's address as the visitor's browser sees it.
    """
    base = base_url.rstrip("/")
    chosen = {key: value for key, value in context.items() if value}
    query = ("?" + urlencode(chosen)) if chosen else ""
    page = base + reverse("public:survey", kwargs={"public_id": survey.public_id})
    embed = base + reverse("public:survey_embed", kwargs={"public_id": survey.public_id})
    iframe = (
        f'<iframe src="{escape(embed + query)}" title="{escape(survey.title)}" '
        'width="100%" height="800"></iframe>'
    )
    data = "".join(f' data-{key}="{escape(value)}"' for key, value in chosen.items())
    script = (
        f'<script src="{escape(base + static("cxgov/surveys-widget.js"))}" '
        f'data-survey="{escape(survey.public_id)}" data-mode="button"{data} defer></script>'
    )
    qr_url = reverse(
        "surveys:survey_qr", kwargs={"slug": survey.agency.slug, "survey_id": survey.pk}
    )
    return EmbedCodes(page_url=page + query, iframe=iframe, script=script, qr_url=qr_url + query)
