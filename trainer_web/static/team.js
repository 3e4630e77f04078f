// The team desk: one page for the lead, the reps and the instructor (roles differ in controls).
(function () {
  "use strict";
  const root = document.getElementById("team");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const role = root.dataset.role;
  const $ = (id) => document.getElementById(id);
  let view = null;
  let selected = null; // complaint id shown in the thread pane
  let lastFeed = -1;

  function banner(text) {
    const b = $("banner");
    b.textContent = text || "";
    b.hidden = !text;
  }

  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await r.json(); } catch (e) { data = { error: "the server did not answer (" + r.status + ")" }; }
    if (!r.ok) throw new Error(data.error || "refused (" + r.status + ")");
    return data;
  }

  async function act(kind, extra) {
    try {
      const out = await post(root.dataset.doUrl, Object.assign({ kind: kind }, extra || {}));
      banner("");
      if (kind === "reply") {
        $("result").textContent = "Sent to " + out.author + ": score " + Math.round(out.score.total) +
          " · " + out.reaction.replace(/_/g, " ");
        $("reply").value = "";
      } else {
        $("result").textContent = (out.text || kind.replace(/_/g, " ")) + (out.to ? " → " + out.to : "");
      }
      await poll();
    } catch (e) {
      banner(e.message);
    }
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render() {
    const v = view;
    $("clock").textContent = v.clock.slice(11, 16);
    const left = Math.max(0, v.duration_min - v.now_min);
    $("left").textContent = Math.floor(left) + " min";
    $("waiting").textContent = v.storm.waiting;
    $("complaints").textContent = v.storm.complaints;
    $("crisis").textContent = v.storm.crisis ? "ON" : "off";
    $("holding").textContent = v.storm.holding_statement ? "posted" : "not yet";
    $("staff").textContent = v.storm.extra_staff;
    $("replies").textContent = v.team_replies;
    $("mean").textContent = v.mean_score === null ? "–" : v.mean_score;
    $("state").textContent = v.state;
    if ($("pause")) { $("pause").hidden = v.state !== "running"; $("resume").hidden = v.state !== "paused"; }
    // The newest inject or decision stays in view at the top (the feed is far down on a phone).
    const newest = v.feed.length ? v.feed[v.feed.length - 1] : null;
    const latest = $("latest");
    if (newest && newest.kind !== "resume" && v.now_min - newest.min <= 10) {
      latest.textContent = "Latest (" + newest.at + "): " + newest.text + " — " + newest.by;
      latest.hidden = false;
    } else {
      latest.hidden = true;
    }
    if (v.state === "finished") {
      banner("");
      $("state").innerHTML = "";
      const a = el("a", "", "finished: open the team debrief");
      a.href = root.dataset.debriefUrl;
      $("state").appendChild(a);
    }
    // the team
    const members = $("members");
    members.replaceChildren(...v.members.map((m) => el("li", "", m.name + " · " + m.role +
      (m.channels.length ? " (" + m.channels.join(", ") + ")" : ""))));
    const pick = $("member-pick");
    if (pick.options.length !== v.members.length) {
      pick.replaceChildren(...v.members.map((m) => { const o = el("option", "", m.name + " (" + m.role + ")"); o.value = m.id; return o; }));
    }
    // the feed (newest first)
    const feed = $("feed");
    if (v.feed.length && v.feed[v.feed.length - 1].seq !== lastFeed) {
      feed.replaceChildren(...v.feed.slice().reverse().map((f) => {
        const li = el("li", "feed-" + f.kind);
        li.appendChild(el("time", "", f.at + " "));
        li.appendChild(el("strong", "", f.text));
        li.appendChild(el("span", "muted", " — " + f.by));
        return li;
      }));
      lastFeed = v.feed[v.feed.length - 1].seq;
    }
    // the inbox
    const list = $("inbox");
    $("inbox-count").textContent = v.inbox.length;
    $("inbox-empty").hidden = v.inbox.length > 0;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.cid : null;
    list.replaceChildren(...v.inbox.map((item) => {
      const li = el("li");
      const b = el("button", "complaint" + (item.id === selected ? " selected" : "") + (item.mine ? " mine" : ""));
      b.type = "button";
      b.dataset.cid = item.id;
      b.setAttribute("aria-pressed", item.id === selected ? "true" : "false");
      b.appendChild(el("strong", "", item.author + " "));
      b.appendChild(el("span", "pill", item.channel));
      b.appendChild(el("span", "urgency u-" + item.urgency.level, " " + item.urgency.why));
      b.appendChild(el("span", "holder", item.holder_name ? " · held by " + item.holder_name : " · unassigned"));
      b.addEventListener("click", () => { selected = item.id; render(); });
      li.appendChild(b);
      return li;
    }));
    if (focused) {
      const again = list.querySelector('[data-cid="' + focused + '"]');
      if (again) again.focus();
    }
    const item = v.inbox.find((i) => i.id === selected);
    $("selected").hidden = !item && selected === null;
    $("no-selection").hidden = selected !== null;
    if (selected !== null && !item) {
      $("sel-holder").textContent = "no longer in your list (answered, taken by a teammate, or gone)";
      return;
    }
    if (!item) return;
    $("sel-author").textContent = item.author + " (" + item.handle + ")";
    $("sel-meta").textContent = "#" + item.id + " · " + item.channel + " · " + item.topic + " · " +
      item.reach + " reach · " + item.mood;
    $("sel-holder").textContent = item.holder_name ? "held by " + item.holder_name : "unassigned";
    $("thread").replaceChildren(...item.thread.map((m) => {
      const li = el("li", "msg msg-" + m.who);
      li.appendChild(el("span", "label", m.at + " · " + m.who));
      li.appendChild(el("span", "post", m.text));
      return li;
    }));
    $("sel-notes").replaceChildren(...item.notes.map((n) => el("p", "note", n.by + ": " + n.text)));
  }

  async function poll() {
    try {
      const r = await fetch(root.dataset.stateUrl, { credentials: "same-origin", cache: "no-store" });
      const data = await r.json();
      if (!r.ok) { banner(data.error || "the server refused (" + r.status + ")"); return; }
      view = data;
      render();
    } catch (e) {
      banner("Connection lost: retrying…");
    }
  }

  const on = (id, fn) => { const e = $(id); if (e) e.addEventListener("click", fn); };
  on("claim", () => act("claim", { complaint_id: selected }));
  on("assign", () => act("assign", { complaint_id: selected, member: Number($("member-pick").value) }));
  on("handoff", () => act("handoff", { complaint_id: selected, member: Number($("member-pick").value) }));
  on("send", () => act("reply", { complaint_id: selected, text: $("reply").value, action: $("action").value }));
  on("add-note", () => { act("note", { complaint_id: selected, text: $("note").value }); $("note").value = ""; });
  on("pause", () => act("pause"));
  on("resume", () => act("resume"));
  document.querySelectorAll("[data-lead]").forEach((b) =>
    b.addEventListener("click", () => act(b.dataset.lead)));
  document.querySelectorAll("[data-inject]").forEach((b) =>
    b.addEventListener("click", async () => {
      try {
        const body = { kind: b.dataset.inject };
        const text = $("inject-text").value.trim();
        if (text) body.text = text;
        const out = await post(root.dataset.injectUrl, body);
        $("inject-text").value = "";
        banner("");
        $("result").textContent = "Injected: " + out.text;
        await poll();
      } catch (e) { banner(e.message); }
    }));
  poll();
  setInterval(poll, 1000);
})();
