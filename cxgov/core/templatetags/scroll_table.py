"""`{% scroll_table %}`: a staff table in its scrollable region, or a sentence when it is empty."""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


class ScrollTableNode(template.Node):
    def __init__(
        self,
        label: FilterExpression,
        rows: FilterExpression,
        empty: FilterExpression,
        nodelist: NodeList,
    ) -> None:
        self.label, self.rows, self.empty, self.nodelist = label, rows, empty, nodelist

    def render(self, context: template.Context) -> SafeString:
        if not self.rows.resolve(context):
            return format_html("<p>{}</p>", self.empty.resolve(context))
        label = self.label.resolve(context)
        return format_html(
            '<div class="usa-table-container--scrollable" tabindex="0" role="region" '
            'aria-label="{}">\n<table class="usa-table usa-table--borderless usa-table--compact">'
            '\n  <caption class="usa-sr-only">{}</caption>{}</table>\n</div>',
            label,
            label,
            self.nodelist.render(context),
        )


@register.tag
def scroll_table(parser: Parser, token: Token) -> ScrollTableNode:
    """`{% scroll_table label rows=... empty=... %}<thead>…</tbody>{% endscroll_table %}`: the
    head and body in a table named `label` (its region's name and its caption for screen
    readers), or the sentence `empty` when `rows` is empty."""
    bits = token.split_contents()
    kwargs = template.base.token_kwargs(bits[2:], parser)
    if len(bits) != 4 or set(kwargs) != {"rows", "empty"}:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a label, rows= and empty=")
    nodelist = parser.parse(("endscroll_table",))
    parser.delete_first_token()
    return ScrollTableNode(
        parser.compile_filter(bits[1]), kwargs["rows"], kwargs["empty"], nodelist
    )
