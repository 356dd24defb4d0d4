"""The fake itself answers like Discord (no bot here): if these fail, fix the harness, not the bot."""

from __future__ import annotations

import json
import zlib

import aiohttp
import pytest

from .fake import DiscordError, FakeDiscord, validate_modal

pytestmark = pytest.mark.timeout(30)


def auth(fake: FakeDiscord) -> dict[str, str]:
    return {"Authorization": f"Bot {fake.token}"}


async def test_rest_errors_look_like_discord(fake: FakeDiscord) -> None:
    general = fake.world.guild.channel_named("general").id
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{fake.api_base}/no/such/route", headers=auth(fake)) as response:
            assert response.status == 404
            assert response.headers["Content-Type"] == "application/json"
            assert await response.json() == {"message": "404: Not Found", "code": 0}
        assert fake.unknown_routes[-1].path == "/no/such/route"

        async with http.get(f"{fake.api_base}/users/@me") as response:
            assert response.status == 401

        async with http.post(
            f"{fake.api_base}/channels/{general}/messages", headers=auth(fake), json={"content": "x" * 2001}
        ) as response:
            body = await response.json()
            assert response.status == 400 and body["code"] == 50035 and "content" in body["errors"]
        async with http.post(
            f"{fake.api_base}/channels/{general}/messages", headers=auth(fake), json={"content": ""}
        ) as response:
            assert (await response.json())["code"] == 50006
        assert [r.status for r in fake.rejections[-3:]] == [401, 400, 400]

        async with http.post(
            f"{fake.api_base}/interactions/123456789012345678/token/callback",
            json={"type": 4, "data": {"content": "hi"}},
        ) as response:
            assert response.status == 404 and (await response.json())["code"] == 10062


async def test_injected_faults_carry_what_discord_py_needs(fake: FakeDiscord) -> None:
    limited = fake.inject_fault("GET", r"^/users/@me$", status=429, retry_after=0.25)
    broken = fake.inject_fault("GET", r"^/users/@me$", status=500)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{fake.api_base}/users/@me", headers=auth(fake)) as response:
            assert response.status == 429
            assert response.headers["Via"] and response.headers["X-RateLimit-Remaining"] == "0"
            assert await response.json() == {
                "message": "You are being rate limited.",
                "retry_after": 0.25,
                "global": False,
                "code": 0,
            }
        async with http.get(f"{fake.api_base}/users/@me", headers=auth(fake)) as response:
            assert response.status == 500
        async with http.get(f"{fake.api_base}/users/@me", headers=auth(fake)) as response:
            assert response.status == 200
    assert len(limited.hits) == 1 and len(broken.hits) == 1


async def test_gateway_speaks_zlib_stream_and_checks_the_token(fake: FakeDiscord) -> None:
    inflate = zlib.decompressobj()
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(f"{fake.gateway_url}?v=10&encoding=json&compress=zlib-stream") as ws,
    ):
        frame = await ws.receive(timeout=5)
        assert frame.type == aiohttp.WSMsgType.BINARY and frame.data.endswith(b"\x00\x00\xff\xff")
        hello = json.loads(inflate.decompress(frame.data))
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
        await ws.send_json({"op": 1, "d": None})
        ack = json.loads(inflate.decompress((await ws.receive(timeout=5)).data))
        assert ack["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": "not-the-token", "intents": 1, "properties": {}}})
        closed = await ws.receive(timeout=5)
        assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert ws.close_code == 4004


async def test_multipart_uploads_are_stored_and_served(fake: FakeDiscord) -> None:
    """The shape discord.py sends: payload_json plus files[n], attachments referring to them by id."""
    general = fake.world.guild.channel_named("general").id
    form = aiohttp.FormData(quote_fields=False)
    payload = {"content": "the agenda", "attachments": [{"id": 0, "filename": "agenda.ics"}]}
    form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    form.add_field(
        "files[0]", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="agenda.ics", content_type="text/calendar"
    )
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{fake.api_base}/channels/{general}/messages", headers=auth(fake), data=form) as response:
            assert response.status == 200
            message = await response.json()
        attachment = message["attachments"][0]
        assert attachment["filename"] == "agenda.ics" and attachment["content_type"] == "text/calendar"
        async with http.get(attachment["url"]) as response:
            assert await response.read() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    stored = fake.messages[message["id"]]
    assert stored.data["content"] == "the agenda" and fake.files[attachment["id"]].startswith(b"BEGIN")


def test_modal_selects_sit_in_labels_with_1_to_25_options() -> None:
    ask = {"type": 3, "custom_id": "name", "options": [{"label": "Show my name", "value": "named"}]}
    text = {"type": 4, "custom_id": "question", "style": 2}
    validate_modal(
        {
            "title": "Ask the panel",
            "custom_id": "ask",
            "components": [{"type": 18, "label": "Your name", "component": ask}],
        }
    )
    with pytest.raises(DiscordError) as in_a_row:
        validate_modal({"title": "Ask", "custom_id": "ask", "components": [{"type": 1, "components": [text, ask]}]})
    assert "only text inputs" in json.dumps(in_a_row.value.body)
    too_many = {**ask, "options": [{"label": f"Label {n}", "value": str(n)} for n in range(26)]}
    with pytest.raises(DiscordError) as refused:
        validate_modal(
            {"title": "Ask", "custom_id": "ask", "components": [{"type": 18, "label": "For", "component": too_many}]}
        )
    assert "1 to 25 options" in json.dumps(refused.value.body)
