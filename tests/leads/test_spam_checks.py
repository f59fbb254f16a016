"""The front door's checks that need no database (shared/leads/spam.py), each signal alone at its
boundaries: the fill-time token, links, the script, and the keyed IP digest."""
import pytest

from shared.leads import spam

KEY = "avf_0123456789abcdefghijklmnop"
NOW = 1_800_000_000.0


@pytest.mark.parametrize("age_s, min_fill, signal", [
    (2.9, 3, "too_fast"),
    (3, 3, None),
    (0, 0, None),
    (24 * 3600, 3, None),
    (24 * 3600 + 1, 3, "expired_token"),
    (-30, 0, None),        # a little clock skew between instances
    (-120, 0, "expired_token"),  # issued in the future: not ours to believe
])
def test_the_token_says_how_long_the_page_was_open(age_s, min_fill, signal):
    token = spam.issue_token(KEY, NOW - age_s)

    assert spam.token_signal(token, KEY, NOW, min_fill) == signal


@pytest.mark.parametrize("token", [
    spam.issue_token("avf_anotherformsveryownkey000", NOW - 60),  # another form's token
    "1799999940000.AAAAAAAAAAAAAAAAAAAAAA",                     # a made-up signature
    "1799999000000" + spam.issue_token(KEY, NOW - 60)[13:],      # a real signature, an older time
    "tomorrow",
])
def test_a_token_not_signed_for_this_form_and_time_is_forged(token):
    assert spam.token_signal(token, KEY, NOW, 3) == "forged_token"


def test_no_token_is_its_own_signal():
    assert spam.token_signal(None, KEY, NOW, 3) == spam.token_signal("", KEY, NOW, 3) == "no_token"


@pytest.mark.parametrize("message, signals", [
    ("Photos: https://a.example/1 and https://a.example/2", []),
    ("Photos: https://a.example/1 https://a.example/2 www.a.example/3", ["links"]),
    ("[url=http://x.example]a[/url] [url=http://y.example]b[/url] <a href='z'>c</a>", ["links"]),
    ("Bonjour, j'ai besoin d'une soumission pour ma toiture à Québec. Merci beaucoup, Hélène Côté", []),
    ("Здравствуйте, мне нужна новая крыша", ["foreign_script"]),
    ("你好，我想换屋顶", ["foreign_script"]),
    ("Hi, my name is 李明 and I need a quote for a new roof on my bungalow in Laval.", []),  # a name is fine
    ("Need a roof quote 🏠🙏 asap!!", []),
])
def test_content_signals_alone(message, signals):
    assert spam.content_signals(message, "en") == signals


def test_the_script_is_a_signal_only_for_english_and_french_clients():
    assert spam.content_signals("Здравствуйте, мне нужна новая крыша", "fr") == ["foreign_script"]
    assert spam.content_signals("Здравствуйте, мне нужна новая крыша", "ru") == []


def test_the_ip_digest_is_keyed_by_the_servers_secret(monkeypatch):
    digest = spam.ip_digest("203.0.113.7")
    monkeypatch.setenv("AVENIR_SECRET_KEY", "Zm9yLWEtZGlmZmVyZW50LXNlcnZlci1zZWNyZXQta2V5LTA=")

    assert spam.ip_digest("203.0.113.7") != digest
    assert len(digest) == 64 and "203.0.113.7" not in digest
