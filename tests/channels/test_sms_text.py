"""SMS and WhatsApp replies fit the medium: segments, sentence splits, numbered choices."""

from bot.channels.sms_text import (
    choice_payload,
    numbered_choices,
    paginate,
    plain_text,
    segment_count,
)

LONG_URDU = (
    "آپ کی کفالت کی قسط اس مہینے کی پندرہ تاریخ کے بعد جاری کی جائے گی۔ "
    "رقم وصول کرنے کے لیے اپنا اصل شناختی کارڈ ساتھ لے کر جائیں۔ "
    "کیا کسی ایجنٹ نے آپ سے کٹوتی کی ہے؟ "
    "اگر ہاں تو فوراً شکایت درج کروائیں، آپ کا نام خفیہ رکھا جائے گا۔ "
    "مزید معلومات کے لیے قریبی دفتر سے رابطہ کریں۔"
) * 2


def test_urdu_is_counted_as_ucs2_and_english_as_gsm7():
    assert segment_count("a" * 160) == 1
    assert segment_count("a" * 161) == 2
    assert segment_count("ا" * 70) == 1
    assert segment_count("ا" * 71) == 2  # 67 per concatenated part
    assert segment_count("ا" * 134) == 2
    assert segment_count("ا" * 135) == 3


def test_long_urdu_reply_is_split_at_sentence_ends_within_the_budget():
    pages = paginate(LONG_URDU, 2, "باقی کے لیے مزید لکھیں۔")
    assert len(pages) > 1
    for page in pages:
        assert segment_count(page) <= 2
    for page in pages[:-1]:
        body = page.rsplit("\n", 1)[0]
        assert body.endswith(("۔", "؟"))  # no sentence is cut in the middle
    # nothing is lost
    joined = "".join(p.replace("\nباقی کے لیے مزید لکھیں۔", "") for p in pages)
    assert joined.replace(" ", "") == LONG_URDU.replace(" ", "")


def test_a_sentence_longer_than_the_budget_is_cut_between_words():
    sentence = "lafz " * 200
    pages = paginate(sentence, 1, "Reply MORE")
    assert all(segment_count(p) <= 1 for p in pages)
    assert " ".join(p.replace("\nReply MORE", "") for p in pages).split() == sentence.split()


def test_buttons_become_numbered_choices_and_a_number_maps_back():
    text, choices = numbered_choices(
        "Which programme?",
        [
            {"title": "Kafaalat", "payload": '/inform{"programme": "kafaalat"}'},
            {"title": "Taleemi Wazaif", "payload": '/inform{"programme": "taleemi_wazaif"}'},
        ],
    )
    assert text == "Which programme?\n1. Kafaalat\n2. Taleemi Wazaif"
    assert choice_payload("2", choices) == '/inform{"programme": "taleemi_wazaif"}'
    assert choice_payload("۱", choices) == '/inform{"programme": "kafaalat"}'
    assert choice_payload("3", choices) is None
    assert choice_payload("2 bachay", choices) is None


def test_sms_text_has_no_markdown_or_emoji():
    text = plain_text("**Zaroori:** [BISP](https://bisp.gov.pk) 😀 `8171`")
    assert text == "Zaroori: BISP https://bisp.gov.pk 8171"
    assert plain_text("**Zaroori**", whatsapp=True) == "*Zaroori*"
