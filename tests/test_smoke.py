def test_login_and_dashboard(client, auth, world):
    assert auth.login("manager").status_code == 302
    response = client.get("/c/KSP-A/", follow_redirects=True)
    assert response.status_code == 200
    assert "KSP Sumber Rejeki" in response.get_data(as_text=True)
