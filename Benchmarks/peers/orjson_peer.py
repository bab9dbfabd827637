#!/usr/bin/env python3
"""The peer chatlio-bench measures the intake against: hand-written Python glue with orjson.

It parses a compact Chatlio body, maps the fields XDMMapper.map writes for that kind into the same
XDM-shaped dict (including the SHA-256 `_id` over the kind and the payload with sorted keys), and
dumps it with orjson. No schema validation, no deduplication, no hand-off: the least a service in
Python would do. chatlio-bench runs it as a subprocess in the same run:

  orjson_peer.py emit KIND BODY              print the entity for one body (chatlio-bench compares it with XDMMapper.map's)
  orjson_peer.py time KIND BODY EVENTS RUNS  time RUNS runs of EVENTS events after a warm-up; one JSON line of events/s
  orjson_peer.py loop KIND BODY EVENTS       map EVENTS events and exit (for instruction counts under callgrind)

KIND is a Chatlio route: conversation-started, unanswered-message, visitor-feedback or chat-transcript.
Exit status 3 with one line on stderr when orjson cannot be imported.
"""
import hashlib
import re
import sys
import time
from datetime import datetime, timedelta, timezone

try:
    import orjson
except ImportError as error:  # chatlio-bench prints this line and skips the peer
    sys.stderr.write(f"orjson is not installed for {sys.executable} ({error}); pip install orjson\n")
    sys.exit(3)

TENANT = "_acme"
RECEIVED_AT = datetime(2026, 1, 1, tzinfo=timezone.utc)  # chatlio-bench's receivedAt (1_767_225_600)
# Formatted once: the peer's receive time is fixed, which only makes it faster than a service reading the clock.
RECEIVED_TEXT = "2026-01-01T00:00:00.000Z"
EVENT_TYPES = {
    "conversation-started": "chat.conversationStarted",
    "unanswered-message": "chat.unansweredMessage",
    "visitor-feedback": "chat.feedback",
    "chat-transcript": "chat.transcript",
}
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
IPV4 = re.compile(r"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$")
# A slice of the mapper's ISO 3166 table: enough for the samples, looked up the same way.
COUNTRIES = {"united states": "US", "canada": "CA", "germany": "DE", "france": "FR", "united kingdom": "GB"}
SUBDIVISIONS = {"US": {"california": "US-CA", "new york": "US-NY", "texas": "US-TX"}, "CA": {"ontario": "CA-ON"}}
CONVERSATION_KEYS = {"visitor", "message", "conversationUUID", "channelId", "slackChannelName", "slackChannelId"}
VISITOR_KEYS = {"UUID", "email", "name", "identUserId", "identTraits", "userAgent", "handle", "currentPage",
                "referrerURL", "createdAt", "IPAddress", "location"}
TRANSCRIPT_KEYS = {"agentEmail", "agentName", "archiveUrl", "extraData", "channelId", "channelName", "conversationUUID",
                   "endedAt", "htmlBody", "textBody", "messages", "startedAt", "visitorEmail", "replyToEmail",
                   "visitorName", "visitorTraits", "slackTeamID"}
MESSAGE_KEYS = {"text", "ts", "sentAt", "userId", "username", "isVisitorMsg"}


def put(target, key, value):
    if value:  # never null, "" or {}
        target[key] = value


def utc_millis(text):
    """RFC 3339 text → UTC with milliseconds (truncated), as RFC3339Timestamp.utcString(fractionDigits: 3)."""
    offset = text[19:]
    fraction = "000"
    if offset[:1] == ".":
        end = 1
        while end < len(offset) and offset[end].isdigit():
            end += 1
        fraction = (offset[1:end] + "000")[:3]
        offset = offset[end:]
    moment = datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), int(text[17:19]), tzinfo=timezone.utc)
    if offset not in ("Z", "z"):
        shift = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
        moment = moment - shift if offset[0] == "+" else moment + shift
    return moment, f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{fraction}Z"


def event_id(kind, payload):
    return hashlib.sha256(kind.encode() + b"\n" + orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def identity_map(visitor_uuid, emails):
    entries = []
    if visitor_uuid:
        entries.append(("ChatlioVisitor", visitor_uuid))
    entries += [("Email", email) for email in emails]
    identities = {}
    for index, (namespace, value) in enumerate(entries):
        identities.setdefault(namespace, []).append({"id": value, "primary": index == 0, "authenticatedState": "ambiguous"})
    return identities


def add_email(raw, emails, visitor):
    if not raw:
        return
    normalized = raw.strip().lower()
    if not normalized:
        return
    if EMAIL.match(normalized):
        if normalized not in emails:
            emails.append(normalized)
    else:
        visitor["email"] = raw.strip()


def map_conversation_event(kind, payload):
    source = payload["visitor"]
    chatlio = {"webhookKind": kind}
    visitor, environment, geo, emails, entity = {}, {}, {}, [], {}
    add_email(source.get("email"), emails, visitor)
    put(visitor, "uuid", source.get("UUID"))
    put(visitor, "handle", source.get("handle"))
    put(visitor, "identUserId", source.get("identUserId"))
    put(visitor, "location", source.get("location"))
    put(visitor, "createdAt", source.get("createdAt"))
    put(visitor, "identifyTraitsJSON", source.get("identTraits"))
    name = (source.get("name") or "").strip()
    address = source.get("IPAddress")
    if address:
        if IPV4.match(address):
            environment["ipV4"] = address
        elif ":" in address:
            environment["ipV6"] = address
        else:
            visitor["ipAddress"] = address
    location = source.get("location")
    if location:
        parts = [part.strip() for part in location.split(",")]
        country = COUNTRIES.get(parts[-1].lower()) if 1 <= len(parts) <= 3 and all(parts) else None
        if country:
            if len(parts) == 3:
                geo["city"] = parts[0]
                put(geo, "stateProvince", SUBDIVISIONS.get(country, {}).get(parts[1].lower()))
            elif len(parts) == 2:
                region = SUBDIVISIONS.get(country, {}).get(parts[0].lower())
                if region:
                    geo["stateProvince"] = region
                else:
                    geo["city"] = parts[0]
            geo["countryCode"] = country
    environment["type"] = "browser"
    put(environment, "browserDetails", {"userAgent": source["userAgent"]} if source.get("userAgent") else None)
    put(chatlio, "conversationId", payload.get("conversationUUID"))
    put(chatlio, "channelId", payload.get("channelId"))
    put(chatlio, "slackChannelName", payload.get("slackChannelName"))
    put(chatlio, "slackChannelId", payload.get("slackChannelId"))
    put(chatlio, "message", payload.get("message"))
    unknown = {key: value for key, value in payload.items() if key not in CONVERSATION_KEYS}
    unknown_visitor = {key: value for key, value in source.items() if key not in VISITOR_KEYS}
    if unknown_visitor:
        unknown["visitor"] = unknown_visitor
    if unknown:
        chatlio["additionalFieldsJSON"] = orjson.dumps(unknown, option=orjson.OPT_SORT_KEYS).decode()
    put(chatlio, "visitor", visitor)
    chatlio["mapping"] = {"mapperVersion": "1.0", "timestampSource": "received"}
    entity["_id"] = event_id(kind, payload)
    entity["timestamp"] = RECEIVED_TEXT
    entity["eventType"] = EVENT_TYPES[kind]
    entity["producedBy"] = "self"
    put(entity, "identityMap", identity_map(source.get("UUID"), emails))
    entity["environment"] = environment
    web = {}
    put(web, "webPageDetails", {"URL": source["currentPage"]} if source.get("currentPage") else None)
    put(web, "webReferrer", {"URL": source["referrerURL"]} if source.get("referrerURL") else None)
    put(entity, "web", web)
    if geo:
        entity["placeContext"] = {"geo": geo}
    if emails:
        entity["personalEmail"] = {"address": emails[0]}
    if name:
        entity["person"] = {"name": {"fullName": name}}
    entity[TENANT] = {"chatlio": chatlio}
    return entity


def map_transcript(kind, payload):
    chatlio, agent, transcript, emails, visitor = {"webhookKind": kind}, {}, {}, [], {}
    put(chatlio, "conversationId", payload.get("conversationUUID"))
    put(chatlio, "channelId", payload.get("channelId"))
    put(chatlio, "channelName", payload.get("channelName"))
    put(chatlio, "slackTeamId", payload.get("slackTeamID"))
    put(agent, "name", payload.get("agentName"))
    put(agent, "email", (payload.get("agentEmail") or "").strip().lower())
    add_email(payload.get("visitorEmail"), emails, visitor)
    put(transcript, "startedAt", payload.get("startedAt"))
    put(transcript, "endedAt", payload.get("endedAt"))
    put(transcript, "archiveURL", payload.get("archiveUrl"))
    put(transcript, "textBody", payload.get("textBody"))
    put(transcript, "htmlBody", payload.get("htmlBody"))
    put(transcript, "replyToEmail", (payload.get("replyToEmail") or "").strip().lower())
    put(transcript, "visitorName", payload.get("visitorName"))
    put(transcript, "visitorEmail", (payload.get("visitorEmail") or "").strip().lower())
    traits = payload.get("visitorTraits")
    if traits:
        transcript["visitorTraitsJSON"] = traits if isinstance(traits, str) else orjson.dumps(traits, option=orjson.OPT_SORT_KEYS).decode()
    source_messages = payload.get("messages") or []
    transcript["messageCount"] = len(source_messages)
    messages, unknown_messages, last_sent = [], {}, None
    for index, message in enumerate(source_messages):
        item = {}
        put(item, "ts", message.get("ts"))
        put(item, "sentAt", message.get("sentAt"))
        put(item, "text", message.get("text"))
        put(item, "userId", message.get("userId"))
        put(item, "username", message.get("username"))
        if isinstance(message.get("isVisitorMsg"), bool):
            item["isVisitorMsg"] = message["isVisitorMsg"]
        messages.append(item)
        last_sent = message.get("sentAt") or last_sent
        extra = {key: value for key, value in message.items() if key not in MESSAGE_KEYS}
        if extra:
            unknown_messages[str(index)] = extra
    if messages:
        transcript["messages"] = messages
    extra_data = [text for text in payload.get("extraData") or [] if text]
    if extra_data:
        transcript["extraData"] = extra_data
    unknown = {key: value for key, value in payload.items() if key not in TRANSCRIPT_KEYS}
    if unknown_messages:
        unknown["messages"] = unknown_messages
    if unknown:
        chatlio["additionalFieldsJSON"] = orjson.dumps(unknown, option=orjson.OPT_SORT_KEYS).decode()
    event_time = payload.get("endedAt") or last_sent or payload.get("startedAt")
    source = "received"
    timestamp = RECEIVED_TEXT
    mapping = {"mapperVersion": "1.0"}
    if event_time:
        moment, text = utc_millis(event_time)
        if moment <= RECEIVED_AT:
            source, timestamp = "payload", text
        else:
            mapping["timestampClamped"] = True
    mapping["timestampSource"] = source
    put(chatlio, "visitor", visitor)
    put(chatlio, "agent", agent)
    chatlio["transcript"] = transcript
    chatlio["mapping"] = mapping
    entity = {"_id": event_id(kind, payload), "timestamp": timestamp, "eventType": EVENT_TYPES[kind], "producedBy": "self"}
    put(entity, "identityMap", identity_map(None, emails))
    if emails:
        entity["personalEmail"] = {"address": emails[0]}
    entity[TENANT] = {"chatlio": chatlio}
    return entity


def intake(kind, body):
    """One webhook: parse, map, dump."""
    payload = orjson.loads(body)
    entity = map_transcript(kind, payload) if kind == "chat-transcript" else map_conversation_event(kind, payload)
    return orjson.dumps(entity)


def main(arguments):
    if len(arguments) < 3 or arguments[1] not in EVENT_TYPES:
        sys.stderr.write(__doc__)
        return 2
    mode, kind = arguments[0], arguments[1]
    with open(arguments[2], "rb") as file:
        body = file.read()
    if mode == "emit":
        sys.stdout.buffer.write(intake(kind, body) + b"\n")
    elif mode == "loop":
        for _ in range(int(arguments[3])):
            intake(kind, body)
    elif mode == "time":
        events, runs = int(arguments[3]), int(arguments[4])
        for _ in range(max(events // 10, 100)):  # warm-up, as chatlio-bench's own scenarios
            intake(kind, body)
        rates = []
        for _ in range(runs):
            start = time.perf_counter()
            for _ in range(events):
                intake(kind, body)
            rates.append(events / (time.perf_counter() - start))
        rates.sort()
        print(orjson.dumps({"median": rates[len(rates) // 2], "min": rates[0], "max": rates[-1],
                            "python": sys.version.split()[0], "orjson": orjson.__version__}).decode())
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
