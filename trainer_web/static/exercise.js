// The trainee's live exercise: polls the storm every second, sends replies with the CSRF token.
// All text from the server is set with textContent (never as HTML).
"use strict";

(function () {
  const root = document.getElementById("exercise");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const canned = Array.from(document.getElementById("canned-texts").content.querySelectorAll("p"))
    .map((p) => p.textContent);
  let selected = null;
  let latest = null;
  let busy = false;
  let failures = 0;

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
    b.hidden = !text;
    b.textContent = text || "";
  }

  function renderStorm(s) {
    $("clock").textContent = s.clock.replace("T", " ");
    const leftReal = ((s.duration_min - s.now_min) / s.speed) * 60;
    $("left").textContent = `${Math.floor(leftReal / 60)}:${String(Math.floor(leftReal % 60)).padStart(2, "0")}`;
    const trend = $("trend");
    trend.textContent = s.storm.crisis ? `${s.storm.trend} · crisis mode` : s.storm.trend;
    trend.className = `trend-${s.storm.trend}`;
    $("waiting").textContent = s.storm.waiting;
    $("arrivals").textContent = s.storm.arrivals_this_hour;
    $("mood").textContent = s.storm.mood || "–";
    $("replies").textContent = s.you.replies;
    $("mean").textContent = s.you.mean_score === null ? "–" : s.you.mean_score;
    $("remedy-max").textContent = s.you.remedy_limit;
    const st = $("state");
    st.textContent = s.state;
    st.className = `pill ${s.state}`;
    $("pause").hidden = s.state !== "running";
    $("resume").hidden = s.state !== "paused";
    $("send").disabled = s.state !== "running" || busy;
  }

  function renderInbox(items) {
    const list = $("inbox");
    list.replaceChildren();
    $("inbox-count").textContent = items.length;
    $("inbox-empty").hidden = items.length > 0;
    for (const it of items) {
      const li = el("li", `complaint mood-${it.mood}${it.id === selected ? " selected" : ""}`);
      li.dataset.id = it.id;
      li.tabIndex = 0;
      const head = el("div", "line");
      head.append(el("strong", null, it.author), el("span", "muted", ` ${it.handle}`));
      const tags = el("div", "tags");
      tags.append(
        el("span", `pill ch-${it.channel}`, it.channel),
        el("span", "pill", it.in_dm ? "DM" : it.public ? "public" : "private"),
        el("span", `pill mood-${it.mood}`, it.mood),
        el("span", "pill", `${it.reach} reach · ${it.followers.toLocaleString()}`)
      );
      if (it.pile_ons) tags.append(el("span", "pill fail", `${it.pile_ons} piled on`));
      const sla = el("div", "sla");
      if (it.sla_left_min !== null) {
        sla.textContent = it.sla_left_min >= 0 ? `SLA ${fmtMin(it.sla_left_min)} left` : `SLA missed by ${fmtMin(-it.sla_left_min)}`;
        sla.classList.add(it.sla_left_min < 0 ? "late" : it.sla_left_min < 10 ? "soon" : "ok");
      } else {
        sla.textContent = `follow-up · waiting ${fmtMin(it.waited_min)}`;
      }
      const first = it.thread.length ? it.thread[it.thread.length - 1].text : "";
      li.append(head, tags, el("p", "preview", first.slice(0, 140)), sla);
      li.addEventListener("click", () => select(it.id));
      li.addEventListener("keydown", (e) => {
        if (e.key === "Enter") select(it.id);
      });
      list.append(li);
    }
  }

  function renderSelected() {
    const it = latest && latest.inbox.find((i) => i.id === selected);
    $("no-selection").hidden = !!it;
    $("selected").hidden = !it;
    if (!it) return;
    $("sel-author").textContent = `${it.author} ${it.handle}`;
    $("sel-meta").textContent =
      `${it.channel} · ${it.in_dm ? "in DM" : it.public ? "public" : "private"} · ${it.topic} · ` +
      `${it.followers.toLocaleString()} followers · ${it.mood} · waiting ${fmtMin(it.waited_min)}` +
      (it.patience_left_min !== null ? ` · patience ~${Math.max(0, Math.round(it.patience_left_min))} min` : "");
    const msgs = $("messages");
    msgs.replaceChildren();
    for (const m of it.thread) {
      const li = el("li", `msg ${m.who}`);
      const who = { customer: it.author, you: "You", crowd: "Other customers", system: "" }[m.who];
      li.append(el("p", "who", `${who} · ${m.at}${m.score !== null ? ` · score ${m.score}` : ""}`));
      li.append(el("p", null, m.text));
      msgs.append(li);
    }
  }

  function select(id) {
    selected = id;
    renderInbox(latest.inbox);
    renderSelected();
    $("text").focus();
  }

  async function poll() {
    try {
      const r = await fetch(root.dataset.stateUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await r.json().catch(() => ({}));
      if (!r.ok) {
        failures += 1;
        banner(data.message || `The server answered ${r.status}; retrying…`);
        return;
      }
      failures = 0;
      banner(null);
      latest = data;
      if (data.state === "finished") {
        window.location.assign(root.dataset.debriefUrl);
        return;
      }
      renderStorm(data);
      if (selected !== null && !data.inbox.some((i) => i.id === selected)) selected = null;
      if (selected === null && data.inbox.length) selected = data.inbox[0].id;
      renderInbox(data.inbox);
      if (document.activeElement !== $("text")) renderSelected();
      else if (!data.inbox.some((i) => i.id === selected)) renderSelected();
    } catch (e) {
      failures += 1;
      banner("Connection lost; retrying… Your acknowledged replies are saved.");
    }
  }

  function showResult(res) {
    $("no-feedback").hidden = true;
    $("result").hidden = false;
    const s = res.score;
    const what = { reply_public: "reply", move_to_dm: "move to DM", escalate: "escalation", offer_remedy: "remedy offer" };
    $("about").textContent = `Your ${what[res.action] || res.action} to ${res.author} (${res.channel})`;
    $("score-total").textContent = Math.round(s.total * 2) / 2;
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
    $("reaction").textContent = res.reaction_text ? `${label}: “${res.reaction_text}”` : label;
    $("reaction").className = `reaction r-${res.reaction}`;
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
    if (selected === null || busy) return;
    const action = $("action").value;
    const body = { complaint_id: selected, action, text: $("text").value };
    if (action === "offer_remedy") body.remedy = Number($("remedy").value);
    busy = true;
    $("send").disabled = true;
    try {
      const r = await send(root.dataset.actUrl, body);
      if (!r.ok) {
        banner(r.data.message || `Not accepted (${r.status}).`);
        return;
      }
      banner(null);
      $("text").value = "";
      $("chars").textContent = "0 characters";
      $("canned").value = "";
      showResult(r.data);
      selected = null;
      await poll();
    } finally {
      busy = false;
      $("send").disabled = latest && latest.state !== "running";
    }
  });

  $("action").addEventListener("change", () => {
    $("remedy-field").hidden = $("action").value !== "offer_remedy";
  });
  $("canned").addEventListener("change", () => {
    const i = $("canned").value;
    if (i !== "") $("text").value = canned[Number(i)];
    $("chars").textContent = `${$("text").value.length} characters`;
  });
  $("text").addEventListener("input", () => {
    $("chars").textContent = `${$("text").value.length} characters`;
  });
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
