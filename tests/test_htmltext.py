"""html_to_text: feed HTML to the text a reader sees."""

from __future__ import annotations

from transforms.sources.html import html_to_text, looks_like_html, to_plain_text


def test_paragraphs_are_separated_by_a_blank_line_and_inline_markup_disappears():
    html = "<p>The ministers of <b>Chile</b> and <i>Peru</i> met.</p><p>They signed an accord.</p>"
    assert html_to_text(html) == "The ministers of Chile and Peru met.\n\nThey signed an accord."


def test_entities_are_decoded():
    assert html_to_text("<p>Trade &amp; security &mdash; &eacute;t&#233; &#x2014; caf&eacute;</p>") == (
        "Trade & security — été — café")


def test_scripts_styles_and_other_non_text_are_dropped_with_their_content():
    html = ("<style>p { color: red }</style><p>Visible<script>var hidden = 1;</script> text.</p>"
            "<noscript>Enable JavaScript</noscript><form><button>Send</button></form><p>End.</p>")
    assert html_to_text(html) == "Visible text.\n\nEnd."


def test_line_breaks_lists_headings_and_tables():
    html = ("<h2>Summit</h2>Leaders met<br>in Lima.<ul><li>Trade</li><li>Fisheries</li></ul>"
            "<table><tr><td>Chile</td><td>12</td></tr><tr><td>Peru</td><td>9</td></tr></table>")
    assert html_to_text(html) == "Summit\n\nLeaders met\nin Lima.\n\nTrade\n\nFisheries\n\nChile 12\n\nPeru 9"


def test_layout_whitespace_collapses():
    assert html_to_text("<p>  Talks\n   resumed\t\ton   Monday. </p>") == "Talks resumed on Monday."


def test_comments_and_processing_instructions_keep_the_text_around_them():
    assert html_to_text("<p>Before<!-- note -->after<?php echo 1 ?> end</p>") == "Beforeafter end"


def test_broken_markup_still_gives_its_text():
    assert html_to_text("<p>Unclosed <b>bold <p>next") == "Unclosed bold\n\nnext"


def test_empty_and_comment_only_input_give_empty_text():
    assert html_to_text("") == "" and html_to_text("   ") == "" and html_to_text("<!-- x -->") == ""


def test_deep_nesting_does_not_exhaust_the_stack():
    html = "<div>" * 50_000 + "deep" + "</div>" * 50_000
    assert isinstance(html_to_text(html), str)


def test_plain_text_keeps_paragraphs_and_joins_wrapped_lines():
    text = "First line\n   wrapped here.\n\n   Second paragraph."
    assert not looks_like_html(text)
    assert to_plain_text(text) == "First line wrapped here.\n\nSecond paragraph."


def test_declared_or_detected_html_is_converted():
    assert to_plain_text("A &amp; B", "text/html") == "A & B"
    assert to_plain_text("<p>A</p><p>B</p>") == "A\n\nB"
    assert to_plain_text("Fish & chips", "text/plain") == "Fish & chips"
