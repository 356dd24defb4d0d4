// Fills the presenter page from the server's event stream. Member text only ever goes into textContent,
// so a question such as <script>…</script> is shown as typed and never runs.
"use strict";

// The question being answered shrinks in steps until it fits its box, but never below this many pixels.
const SMALLEST_TYPE = 14;

function element(id) {
  return document.getElementById(id);
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The page's words in the server's language, which the server put on <body>.
function pageText(name) {
  return document.body.dataset[name];
}

function renderNow(question) {
  element("now-question").hidden = question === null;
  element("now-empty").hidden = question !== null;
  if (question === null) return;
  element("now-number").textContent = `#${question.number}`;
  element("now-to").textContent = question.to_text;
  element("now-text").textContent = question.text;
  element("now-votes").textContent = `▲ ${question.votes_text}`;
}

function fitQuestion() {
  const text = element("now-text");
  text.style.fontSize = "";
  let size = parseFloat(getComputedStyle(text).fontSize);
  while (text.scrollHeight > text.clientHeight && size > SMALLEST_TYPE) {
    size = Math.max(SMALLEST_TYPE, size * 0.9);
    text.style.fontSize = `${size}px`;
  }
}

function renderTop(questions) {
  const items = questions.map((question) => {
    const item = make("li");
    item.append(make("span", "count", String(question.votes)));
    const body = make("span", "question");
    body.append(make("span", "number", `#${question.number}`), document.createTextNode(question.text));
    if (question.panelist) body.append(make("span", "to", ` → ${question.panelist}`));
    item.append(body);
    return item;
  });
  element("top-list").replaceChildren(...items);
  element("top-empty").hidden = questions.length > 0;
}

function renderAnswers(questions) {
  const items = questions.map((question) => {
    const item = make("li");
    const body = make("span", "question");
    body.append(make("span", "number", `#${question.number}`), document.createTextNode(question.text));
    item.append(body, make("p", "answer", question.answer));
    return item;
  });
  element("answers-list").replaceChildren(...items);
  element("answers").hidden = questions.length === 0;
}

// A screen opened with ?label=Industry%20involvement shows only that topic's (or panelist's) questions.
const LABEL = new URLSearchParams(window.location.search).get("label");

function render(snapshot) {
  document.title = `${snapshot.title} · ${pageText("questions")}`;
  element("title").textContent = snapshot.title;
  element("panelists").textContent = snapshot.panelists.join(" · ");
  document.body.classList.toggle("closed", !snapshot.open);
  renderNow(snapshot.now_answering);
  const filtered = LABEL !== null && (snapshot.labels || []).includes(LABEL);
  element("label").textContent = filtered ? LABEL : "";
  element("label").hidden = !filtered;
  renderTop(filtered ? (snapshot.top_by_label || {})[LABEL] || [] : snapshot.top);
  renderAnswers(snapshot.answers || []);
  element("counts").textContent = snapshot.counts_text;
  // Last, once everything around it has its final size.
  fitQuestion();
}

function setStatus(state, text) {
  const status = element("status");
  status.dataset.state = state;
  status.textContent = text;
}

function connect() {
  const stream = new EventSource(`${window.location.pathname.replace(/\/$/, "")}/events`);
  stream.addEventListener("open", () => setStatus("live", pageText("live")));
  stream.addEventListener("snapshot", (event) => render(JSON.parse(event.data)));
  stream.addEventListener("revoked", () => {
    stream.close();
    renderNow(null);
    renderTop([]);
    setStatus("ended", pageText("revoked"));
  });
  // EventSource reconnects by itself (the server asks for 2 s); a 404 (revoked meanwhile) stops it.
  stream.addEventListener("error", () => {
    if (stream.readyState === EventSource.CLOSED) setStatus("ended", pageText("broken"));
    else setStatus("connecting", pageText("reconnecting"));
  });
}

document.addEventListener("DOMContentLoaded", connect);
window.addEventListener("resize", fitQuestion);
