"""bot.nlu.langid: English, Urdu script and Roman Urdu, with code-mixing."""

import pytest

from bot.nlu.langid import detect_language, detect_with_confidence

ENGLISH = """\
When will my payment come?
I have not received my money
Am I eligible for kafaalat?
What is the kafaalat amount
The retailer gave me 9000 instead of 10500
The agent deducted 1000 rupees from my payment
My thumb is not being verified
Biometric failed again at the shop
I want to file a complaint
Any update on my complaint?
What happened to my ticket
Let me speak to a real person
How do I apply for BISP
What documents are needed for the survey
Where is the BISP office in Quetta
What is the nutrition programme
Someone called asking for a fee to release my payment
Is this message genuine?
I want to change my mobile number
My CNIC was renewed, please update it
English please
Tell me a joke
What is the weather today
Hello, good morning
Thanks a lot
Goodbye
Yes that's right
No that's wrong
Am I talking to a bot
Why was my payment stopped?
My name is not in the list
I need help with my installment
The shopkeeper took 500 rupees from me
Please check my status
How much money will I get
My fingerprints don't match
When is the next instalment due?
Can you tell me where to collect my money
I was asked to pay a commission
Who can I talk to about my problem
My husband died and I need support
I did not get any message from 8171
My daughter goes to school, can she get a stipend
Where should I go for the dynamic survey
They told me I am not eligible anymore
I want to register my family
My payment is under process, what does that mean
Is there a campsite near my village?
The agent was very rude to me
Please call me back
What is my complaint number
I already complained last week
I got a call from an unknown number asking for my code
How can I check my eligibility online
The bank did not give me my full amount
Can I get a loan from you
My SIM is not registered on my CNIC
I have been waiting for three months
Do you speak English?
Thank you for your help
"""

URDU = """\
میری قسط نہیں آئی
کیا میں اہل ہوں
دکاندار نے ہزار روپے کاٹے
انگوٹھے کی تصدیق نہیں ہو رہی
دفتر والوں نے بدتمیزی کی
قریبی دفتر کہاں ہے
نشوونما پروگرام کیا ہے
کیا یہ میسج اصلی ہے
دوبارہ سروے کروانا ہے
انگریزی میں لکھیں
السلام علیکم
خدا حافظ
جی ہاں
نہیں
بہت مہربانی
کیا آپ روبوٹ ہیں
نمائندے سے بات کروائیں
سروے کیسے کروائیں
پیسے کب ملیں گے
میری شکایت کا کیا بنا
میرا شناختی کارڈ نمبر یہ ہے
ایجنٹ نے پانچ سو روپے کاٹ لیے
میرا نام لسٹ میں نہیں ہے
مجھے پیسے نہیں ملے
تعلیمی وظائف کتنے ملتے ہیں
میرا موبائل نمبر تبدیل کرنا ہے
کفالت کی رقم کتنی ہے
بائیو میٹرک نہیں ہو رہا
مجھے شکایت درج کرانی ہے
میرے شوہر کا انتقال ہو گیا ہے
کسی انسان سے بات کرنی ہے
میری بیٹی اسکول جاتی ہے
یہ پیغام کس نے بھیجا
آج موسم کیسا ہے
نوکری چاہیے
لاہور میں دفتر کا پتہ بتائیں
میرا ٹکٹ نمبر PCMS-12345678 ہے
کیمپ کب لگے گا
رقم پوری نہیں ملی
مجھے کال آئی تھی کہ فیس دو
میری درخواست کا کیا ہوا
براہ مہربانی میری مدد کریں
شکریہ
میرے بچوں کے وظیفے کب آئیں گے
میں بیوہ ہوں
کیا بی آئی ایس پی کا دفتر کھلا ہے
میرا شناختی کارڈ ختم ہو گیا ہے
مجھے سمجھ نہیں آئی
ٹھیک ہے
دوبارہ بتائیں
فنگر پرنٹ نہیں لگ رہے
میرے پیسے کس نے نکالے
قسط کب آئے گی
اردو میں بات کریں
كيا ميں اہل ہوں
ﻣﯿﺮﯼ ﻗﺴﻂ ﻧﮩﯿﮟ ﺁﺋﯽ
مُجھے پیسے نہیں مِلے
بینظیر کفالت کا سروے
8171 سے میسج آیا ہے
ہمارا گھر سیلاب میں بہہ گیا
"""

ROMAN = """\
paise nahi mile
paisay nai milay
mera naam aya hai?
meri qist kab aye gi
agent ne 500 kaat liye
angutha nahi lag raha
shikayat darj karni hai
meri shikayat ka kya bana
PCMS-12345678 ka status
kisi insaan se baat karao
registration kaise karun
Muzaffargarh mein daftar kahan hai
taleemi wazaif kitne milte
mujhe 0300 se message aya ke 25000 nikle
mobile number change karwana hai
urdu mein baat karo
roman urdu mein likho
aaj mausam kaisa hai
aoa
allah hafiz
ji haan
theek hai
galat hai
shukriya
kya tum insan ho
mera payment status kya hai
agent ne paise cut kar liye
mera complaint ka kya hua
biometric nahi ho raha
survey kab hoga
kya main mustahiq hoon
mjy pese ni mile abi tak
plz meri madad karo
kafalat ki qist kab milegi
bhai mera card block ho gaya hai
office kithay hai
tusi saday paisay kyon nai dende
retailer ne 1000 rupay kam diye
mera shanakhti card number 3520212345671 hai
ye message asli hai ya fake
kisi ne call ki thi fee mangi
agent se baat karao
mera angootha verify nahi ho raha
qist aayi ya nahi
dobara survey karwana hai
mere bachon ka wazifa nahi aya
status check karna hai
mujhe koi sms nahi aya 8171 se
hello ji
kya haal hai
main bewa hoon madad chahiye
payment kab aye gi
mera account band ho gaya
shop wale ne 2000 rakh liye
complain kahan karun
meri complaint ka number kya hai
kithe jana paye ga
ye kya bakwas hai
mera number update kar do
nashonuma program kya hai
"""


def _lines(block: str) -> list:
    return [line for line in block.splitlines() if line.strip()]


def test_self_check_lists_have_about_sixty_sentences_each():
    assert min(len(_lines(ENGLISH)), len(_lines(URDU)), len(_lines(ROMAN))) >= 60


@pytest.mark.parametrize(("block", "code"), [(ENGLISH, "en"), (URDU, "ur"), (ROMAN, "roman_ur")])
def test_self_check_accuracy(block, code):
    wrong = [s for s in _lines(block) if detect_language(s) != code]
    assert wrong == []


@pytest.mark.parametrize(
    "text",
    ["3520212345671", "35202-1234567-1", "👍🙏", "", "   ", "PCMS-12345678", "0300 1234567", "?!"],
)
def test_no_words_means_no_language(text):
    assert detect_language(text) is None


def test_code_mixed_roman_urdu_stays_roman_urdu():
    assert detect_language("mera payment status check karo plz") == "roman_ur"
    assert detect_language("agent ne complaint register nahi ki") == "roman_ur"


def test_confidence_is_lower_without_evidence():
    sure = detect_with_confidence("meri qist kab aye gi")
    unsure = detect_with_confidence("Lahore")
    assert sure.code == "roman_ur" and sure.confidence > unsure.confidence
    assert 0.0 <= unsure.confidence <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Assalam o Alaikum respected sir, kindly check my payment",
        "allah hafiz and thank you for your time",
        "yesss",
        "okk sure",
        "absolutely right",
    ],
)
def test_greetings_and_held_letters_do_not_hide_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "operator se baat karao",
        "payment aa gai?",
        "12 march ko paise aye the",
        "staff ne line mein khara rakha",
    ],
)
def test_loanwords_and_months_do_not_make_roman_urdu_english(text):
    assert detect_language(text) == "roman_ur"


def test_no_word_is_in_two_lists():
    import yaml

    from bot.nlu.roman import WORDS_FILE

    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    lists = {name: [str(w).lower() for w in words] for name, words in data.items()}
    for name, words in lists.items():
        assert len(words) == len(set(words)), f"{name} lists a word twice"
    names = sorted(lists)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not set(lists[a]) & set(lists[b]), f"in both {a} and {b}"


def test_word_lists_hold_words_not_yaml_booleans():
    import yaml

    from bot.nlu.roman import WORDS_FILE

    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    assert not [w for words in data.values() for w in words if isinstance(w, bool)]
    assert detect_language("yes") == "en" and detect_language("no") != "en"


@pytest.mark.parametrize(
    "text", ["fingerprint match نہیں ہو رہا", "biometric fail ہو گیا", "PCMS-12345678 کا status"]
)
def test_any_urdu_script_word_means_urdu_script(text):
    assert detect_language(text) == "ur"


def test_a_possessive_is_its_english_word():
    assert detect_language("my mother's card is blocked") == "en"
    assert detect_language("wife's id card") == "en"
