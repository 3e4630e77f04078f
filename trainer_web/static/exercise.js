// The trainee's live exercise: polls the storm every second, sends replies with the CSRF token.
// All text from the server is set with textContent (never as HTML).
//
// A reply always goes to the complaint shown in the thread pane: the pane keeps the complaint the
// trainee picked until they pick another (a poll never swaps it), and Send posts the shown
// complaint's id. If that customer leaves (gives up, or is answered elsewhere) the pane says so,
// Send is held back, and the draft stays in the box for the next complaint.
"use strict";

(function () {
  const root = document.getElementById("exercise");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const canned = Array.from($("canned-texts").content.querySelectorAll("p")).map((p) => p.textContent);
  const MOODS = { furious: 2, annoyed: 1, calm: 0 };
  let selected = null; // id of the complaint the trainee picked
  let shown = null; // the complaint in the thread pane (kept after it leaves the inbox)
  let gone = false; // the shown complaint is no longer in the inbox
  let latest = null;
  let busy = false;
  let threadKey = "";
  const nodes = new Map(); // complaint id → its <li>, updated in place (keeps keyboard focus)

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function fmtMin(m) {
    if (m === null || m === undefined) return "–";
    const sign = m < 0 ? "-" : "";
    const a = Math.abs(m);
    const mm = Math.floor(a);
    const ss = Math.floor((a - mm) * 60);
    return `${sign}${mm}:${String(ss).padStart(2, "0")}`;
  }

  async function send(url, body) {
    const r = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrf,
        "X-Requested-With": "fetch",
        Accept: "application/json",
      },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    });
    let data = null;
    try {
      data = await r.json();
    } catch (e) {
      data = { message: `The server answered ${r.status}.` };
    }
    return { ok: r.ok, status: r.status, data };
  }

  function banner(text) {
    const b = $("banner");
    if (b.textContent !== (text || "")) b.textContent = text || "";
    b.hidden = !text;
  }

  function setText(id, text) {
    const e = $(id);
    const t = String(text);
    if (e.textContent !== t) e.textContent = t;
  }

  // --- The storm gauge ------------------------------------------------------------------------
  function renderStorm(s) {
    setText("clock", s.clock.replace("T", " "));
    const leftReal = ((s.duration_min - s.now_min) / s.speed) * 60;
    setText("left", `${Math.floor(leftReal / 60)}:${String(Math.floor(leftReal % 60)).padStart(2, "0")}`);
    const st = s.storm;
    const level = st.vs_usual !== null && st.vs_usual !== undefined ? `${st.level} (×${st.vs_usual} usual)` : st.level;
    setText("trend", `${level} · ${st.trend}${st.crisis ? " · crisis mode" : ""}`);
    $("trend").className = `level-${st.level} trend-${st.trend}`;
    setText("window", Math.max(1, Math.round(st.window_min || 0)));
    setText("rate", st.arrivals_per_hour === null ? "–" : st.arrivals_per_hour);
    setText("usual", st.usual_per_hour === null ? "" : `usual ${Math.round(st.usual_per_hour)}`);
    setText("waiting", st.waiting);
    setText("queue-trend", st.queue_before === null ? "" : `${st.queue_trend} (was ${st.queue_before})`);
    $("queue-trend").className = `sub queue-${st.queue_trend}`;
    setText("arrivals", st.arrivals_this_hour);
    setText("mood", st.mood || "–");
    setText("replies", s.you.replies);
    setText("mean", s.you.mean_score === null ? "–" : s.you.mean_score);
    setText("remedy-max", s.you.remedy_limit);
    setText("state", s.state);
    $("state").className = `pill ${s.state}`;
    $("pause").hidden = s.state !== "running";
    $("resume").hidden = s.state !== "paused";
  }

  // --- The inbox ------------------------------------------------------------------------------
  function urgencyKey(it) {
    return it.urgency.minutes === null ? Infinity : it.urgency.minutes;
  }

  function visibleItems(items) {
    const ch = $("filter-channel").value;
    const md = $("filter-mood").value;
    const reach = $("filter-reach").value;
    const safety = $("filter-safety").checked;
    const minFollowers = { wide: 1000, large: 10000 }[reach] || 0;
    const out = items.filter(
      (it) =>
        (!ch || it.channel === ch) &&
        (!md || it.mood === md) &&
        it.followers >= minFollowers &&
        (!safety || it.safety)
    );
    const by = $("sort").value;
    const cmp = {
      urgency: (a, b) => urgencyKey(a) - urgencyKey(b) || b.safety - a.safety || a.id - b.id,
      reach: (a, b) => b.followers - a.followers || a.id - b.id,
      mood: (a, b) => (MOODS[b.mood] || 0) - (MOODS[a.mood] || 0) || b.anger - a.anger || a.id - b.id,
      waiting: (a, b) => b.waited_min - a.waited_min || a.id - b.id,
    }[by];
    return out.sort(cmp);
  }

  function fillItem(li, it) {
    const key = JSON.stringify([it.author, it.mood, it.pile_ons, it.in_dm, it.urgency, it.thread.length, it.id === selected]);
    if (li.dataset.key === key) return;
    li.dataset.key = key;
    li.className = `complaint mood-${it.mood} urgency-${it.urgency.level}${it.id === selected ? " selected" : ""}`;
    li.setAttribute("aria-selected", it.id === selected ? "true" : "false");
    const head = el("div", "line");
    head.append(el("strong", null, it.author), el("span", "muted", ` ${it.handle}`));
    const tags = el("div", "tags");
    if (it.safety) tags.append(el("span", "pill safety", "Safety"));
    tags.append(
      el("span", `pill ch-${it.channel}`, it.channel),
      el("span", "pill", it.in_dm ? "DM" : it.public ? "public" : "private"),
      el("span", `pill mood-${it.mood}`, it.mood),
      el("span", "pill", `${it.reach} reach · ${it.followers.toLocaleString()}`)
    );
    if (it.pile_ons) tags.append(el("span", "pill fail", `${it.pile_ons} piled on`));
    const urg = el("div", `urgency u-${it.urgency.level}`, it.urgency.why);
    const last = it.thread.length ? it.thread[it.thread.length - 1].text : "";
    li.replaceChildren(head, tags, el("p", "preview", last.slice(0, 140)), urg);
    li.setAttribute("aria-label", `${it.author}, ${it.channel}, ${it.mood}${it.safety ? ", safety" : ""}: ${it.urgency.why}`);
  }

  function renderInbox(items) {
    const list = $("inbox");
    const visible = visibleItems(items);
    setText("inbox-count", items.length);
    $("inbox-empty").hidden = items.length > 0;
    const hidden = items.length - visible.length;
    $("inbox-hidden").hidden = hidden === 0;
    setText("inbox-hidden", hidden ? `${hidden} hidden by the filters.` : "");
    const focused = document.activeElement && document.activeElement.parentElement === list ? document.activeElement : null;
    const keep = new Set(visible.map((it) => it.id));
    for (const [id, li] of nodes) {
      if (!keep.has(id)) {
        li.remove();
        nodes.delete(id);
      }
    }
    visible.forEach((it, i) => {
      let li = nodes.get(it.id);
      if (!li) {
        li = el("li");
        li.dataset.id = it.id;
        li.tabIndex = 0;
        li.setAttribute("role", "option");
        li.addEventListener("click", () => select(it.id, true));
        li.addEventListener("keydown", onItemKey);
        nodes.set(it.id, li);
      }
      fillItem(li, it);
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
    });
    if (focused && focused.isConnected && document.activeElement !== focused) focused.focus();
  }

  function onItemKey(e) {
    const li = e.currentTarget;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      select(Number(li.dataset.id), true);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = e.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling;
      if (next) next.focus();
    }
  }

  // --- The complaint shown --------------------------------------------------------------------
  function placeholders(it) {
    return {
      first_name: it.first_name || it.author,
      name: it.author,
      handle: it.handle,
      issue: it.issue,
      channel: it.channel,
    };
  }

  function expand(text, it) {
    const values = it ? placeholders(it) : {};
    const unknown = [];
    const out = text.replace(/\{(\w+)\}/g, (m, key) => {
      if (Object.prototype.hasOwnProperty.call(values, key)) return values[key];
      unknown.push(m);
      return m;
    });
    return { text: out, unknown };
  }

  function updateCounter() {
    const it = shown;
    const raw = $("text").value;
    const { text, unknown } = expand(raw, it);
    const n = text.trim().length;
    const chars = $("chars");
    if (!it) {
      chars.textContent = `${n} characters`;
      return;
    }
    const max = it.limit.max_chars;
    const over = n - max;
    chars.className = `chars${over > 0 ? " over" : n > 0.9 * max ? " near" : ""}`;
    chars.textContent =
      over > 0
        ? `${n} / ${max} characters: ${over} over${it.limit.hard ? `, ${it.channel} will not post it` : ", too long to be read"}`
        : `${n} / ${max} characters`;
    const showPreview = raw.trim().length > 0;
    $("preview-box").hidden = !showPreview;
    if (showPreview) setText("preview", text.trim());
    $("preview-warn").hidden = unknown.length === 0;
    setText("preview-warn", unknown.length ? `Unknown placeholder ${unknown.join(", ")}: it would be posted as typed.` : "");
  }

  function renderCustomer(it) {
    setText(
      "cust-summary",
      `${it.author} ${it.handle} · ${it.followers.toLocaleString()} followers (${it.reach} reach) · ` +
        (it.follow_ups ? `${it.follow_ups} follow-up${it.follow_ups === 1 ? "" : "s"} on this complaint` : "first contact on this complaint")
    );
    const list = $("cust-history");
    const rows = [];
    for (const c of it.earlier || []) {
      rows.push(
        `${c.at} · ${c.channel} · ${c.topic}: you sent a ${c.action.replace(/_/g, " ")} (score ${c.score}) → ${c.reaction.replace(/_/g, " ")}`
      );
    }
    const others = latest ? latest.inbox.filter((o) => o.handle === it.handle && o.id !== it.id) : [];
    for (const o of others) rows.push(`Also waiting now on ${o.channel} (${o.topic}).`);
    if (!rows.length) rows.push("No earlier contact with you in this storm.");
    const key = rows.join("\n");
    if (list.dataset.key === key) return;
    list.dataset.key = key;
    list.replaceChildren(...rows.map((r) => el("li", null, r)));
  }

  function renderSelected() {
    const it = shown;
    $("no-selection").hidden = !!it;
    $("selected").hidden = !it;
    if (!it) return;
    $("selected").dataset.id = it.id;
    setText("sel-author", `${it.author} ${it.handle}`);
    setText(
      "sel-meta",
      `${it.channel} · ${it.in_dm ? "in DM" : it.public ? "public" : "private"} · ${it.topic} · ` +
        `${it.followers.toLocaleString()} followers · ${it.mood} · waiting ${fmtMin(it.waited_min)}`
    );
    setText("sel-urgency", gone ? "" : it.urgency.why);
    $("sel-urgency").className = `urgency u-${it.urgency.level}`;
    $("sel-safety").hidden = !it.safety;
    $("gone").hidden = !gone;
    setText(
      "gone",
      gone
        ? `${it.author} is no longer waiting for you (they gave up, or were answered): nothing was sent. ` +
            "Your draft is kept: pick another complaint to use it."
        : ""
    );
    setText("text-label", `Your reply to ${it.author} on ${it.channel}${it.public ? " (public)" : ""}`);
    const key = `${it.id}:${JSON.stringify(it.thread)}`;
    if (key !== threadKey) {
      threadKey = key;
      const msgs = $("messages");
      msgs.replaceChildren();
      for (const m of it.thread) {
        const li = el("li", `msg ${m.who}`);
        const who = { customer: it.author, you: "You", crowd: "Other customers", system: "" }[m.who];
        li.append(el("p", "who", `${who ? `${who} · ` : ""}${m.at}${m.score !== null ? ` · score ${m.score}` : ""}`));
        li.append(el("p", "text", m.text));
        msgs.append(li);
      }
    }
    renderCustomer(it);
    updateCounter();
    updateSend();
  }

  function updateSend() {
    $("send").disabled = busy || gone || !latest || latest.state !== "running";
  }

  function select(id, focusText) {
    selected = id;
    gone = false;
    shown = latest.inbox.find((i) => i.id === id) || null;
    renderInbox(latest.inbox);
    renderSelected();
    if (focusText) $("text").focus();
  }

  async function poll() {
    try {
      const r = await fetch(root.dataset.stateUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await r.json().catch(() => ({}));
      if (!r.ok) {
        banner(data.message || `The server answered ${r.status}; retrying…`);
        return;
      }
      banner(null);
      latest = data;
      if (data.state === "finished" || data.read_only) {
        window.location.assign(root.dataset.debriefUrl);
        return;
      }
      renderStorm(data);
      if (selected !== null) {
        const now = data.inbox.find((i) => i.id === selected);
        if (now) {
          shown = now;
          gone = false;
        } else {
          gone = true; // keep showing them, with a notice; never switch under the trainee
        }
      } else if (data.inbox.length) {
        const first = visibleItems(data.inbox)[0] || data.inbox[0];
        selected = first.id;
        shown = first;
        gone = false;
      }
      renderInbox(data.inbox);
      renderSelected();
      updateSend();
    } catch (e) {
      banner("Connection lost; retrying… Your acknowledged replies are saved.");
    }
  }

  // --- Feedback -------------------------------------------------------------------------------
  function showResult(res) {
    $("no-feedback").hidden = true;
    $("result").hidden = false;
    const s = res.score;
    const what = { reply_public: "reply", move_to_dm: "move to DM", escalate: "escalation", offer_remedy: "remedy offer" };
    $("about").textContent = `Your ${what[res.action] || res.action} to ${res.author} (${res.channel})`;
    const total = Math.round(s.total * 2) / 2;
    $("score-total").textContent = total;
    const pass = $("score-pass");
    pass.textContent = s.passed ? "pass" : `below ${s.pass_mark}`;
    pass.className = `pill ${s.passed ? "pass" : "fail"}`;
    // The gate that capped the score comes first, in plain words (stored exercises from before
    // gates existed carry only auto_fail).
    const gate = s.gate ? s.gate.reason : s.auto_fail;
    const failed = s.gate ? s.gate.cap <= 10 : Boolean(s.auto_fail);
    $("auto-fail").hidden = !gate;
    $("auto-fail").textContent = gate ? `${failed ? "Auto-fail" : `Capped at ${s.gate.cap}`}: ${gate.replace(/^Auto-fail:\s*/, "")}` : "";
    const label = res.reaction.replace(/_/g, " ");
    const reaction = res.reaction_text ? `${label}: “${res.reaction_text}”` : label;
    $("reaction").textContent = reaction;
    $("reaction").className = `reaction r-${res.reaction}`;
    $("quick").textContent = `Score ${total}/100 · ${s.passed ? "pass" : `below ${s.pass_mark}`} · ${res.author}: ${reaction}`;
    $("quick").className = `quick ${s.passed ? "q-pass" : "q-fail"}`;
    const grew = res.spread_after > res.spread_before + 1e-9;
    const calmed = res.spread_after < res.spread_before - 1e-9;
    $("spread").textContent = grew
      ? "The thread spreads faster now: expect more complaints."
      : calmed
        ? "Your reply calmed the thread: fewer people will pile on."
        : "The thread's spread is unchanged.";
    const list = $("criteria");
    list.replaceChildren();
    for (const c of s.criteria) {
      const li = el("li");
      const head = el("div", "crit-head");
      const meter = document.createElement("meter");
      meter.min = 0;
      meter.max = c.weight || 1;
      meter.value = c.points;
      meter.low = 0.5 * (c.weight || 1);
      meter.high = 0.75 * (c.weight || 1);
      meter.optimum = c.weight || 1;
      meter.setAttribute("aria-label", `${c.label}: ${c.points} of ${c.weight}`);
      head.append(el("strong", null, c.label), meter, el("span", "muted", `${c.points}/${c.weight}`));
      li.append(head, el("p", null, c.feedback));
      if (c.example && c.points < c.weight) li.append(el("p", "example", `Try: ${c.example}`));
      list.append(li);
    }
    $("better").hidden = !s.better_reply;
    $("better-text").textContent = s.better_reply || "";
  }

  $("reply").addEventListener("submit", async (e) => {
    e.preventDefault();
    const id = Number($("selected").dataset.id);
    if (!shown || shown.id !== id || busy) return;
    if (gone) {
      renderSelected();
      return;
    }
    const action = $("action").value;
    const body = { complaint_id: id, action, text: expand($("text").value, shown).text };
    if (action === "offer_remedy") body.remedy = Number($("remedy").value);
    busy = true;
    updateSend();
    try {
      const r = await send(root.dataset.actUrl, body);
      if (!r.ok) {
        const msg = r.data.message || `Not accepted (${r.status}).`;
        if (r.status === 409 && /no longer in your inbox/.test(msg)) {
          gone = true;
          renderSelected();
        } else {
          $("quick").className = "quick q-fail";
          $("quick").textContent = msg;
        }
        return;
      }
      banner(null);
      $("text").value = "";
      $("canned").value = "";
      showResult(r.data);
      selected = null;
      shown = null;
      await poll();
    } finally {
      busy = false;
      updateSend();
    }
  });

  $("action").addEventListener("change", () => {
    $("remedy-field").hidden = $("action").value !== "offer_remedy";
  });
  $("canned").addEventListener("change", () => {
    const i = $("canned").value;
    if (i !== "") $("text").value = canned[Number(i)];
    updateCounter();
  });
  for (const chip of document.querySelectorAll("[data-insert]")) {
    chip.addEventListener("click", () => {
      const t = $("text");
      const at = t.selectionStart ?? t.value.length;
      t.value = t.value.slice(0, at) + chip.dataset.insert + t.value.slice(t.selectionEnd ?? at);
      t.focus();
      t.selectionStart = t.selectionEnd = at + chip.dataset.insert.length;
      updateCounter();
    });
  }
  $("text").addEventListener("input", updateCounter);
  for (const id of ["sort", "filter-channel", "filter-mood", "filter-reach", "filter-safety"]) {
    $(id).addEventListener("change", () => latest && renderInbox(latest.inbox));
  }
  for (const verb of ["pause", "resume", "finish"]) {
    $(verb).addEventListener("click", async () => {
      if (verb === "finish" && !window.confirm("End the exercise now? Bots answer the rest.")) return;
      const r = await send(root.dataset[`${verb}Url`]);
      if (!r.ok) banner(r.data.message);
      await poll();
    });
  }

  poll();
  setInterval(poll, 1000);
})();
