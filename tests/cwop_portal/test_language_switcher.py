import pytest


@pytest.mark.django_db
def test_switching_to_english_keeps_the_page(client):
    html = client.get("/o-centrum/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/o-centrum/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/o-centrum/"


@pytest.mark.django_db
def test_switching_back_to_polish_keeps_the_page_and_its_query(client):
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/en/dokumenty/?page=2"})
    assert response["Location"] == "/dokumenty/?page=2"


@pytest.mark.django_db
def test_switcher_offers_the_other_language(client):
    polish = client.get("/").content.decode()
    assert 'name="language" value="en"' in polish
    english = client.get("/en/").content.decode()
    assert 'name="language" value="pl"' in english


@pytest.mark.django_db
def test_switcher_refuses_to_redirect_to_another_site(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"}
    )
    assert "evil.example.com" not in response.get("Location", "")
