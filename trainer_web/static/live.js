// The instructor's live class view: alerts, then one card per trainee, refreshed every three
// seconds. The state says what the trainee is doing: not started, not opened, running,
// not responding, paused, dropped (their page went away and the clock paused itself), finished.
"use strict";

(function () {
  const root = document.getElementById("live");
  const alertList = document.getElementById("live-alerts");
  if (!root) return;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  const slug = (s) => s.replace(/ /g, "-");
  const pct = (x) => (x === null || x === undefined ? "–" : `${Math.round(100 * x)}%`);

  function card(t) {
    const c = el("article", `card trainee-card state-${slug(t.state)}`);
    c.dataset.username = t.username;
    c.append(el("h2", null, t.trainee), el("p", "muted", t.username));
    if (t.assignment) c.append(el("p", "muted", t.attempt > 1 ? `${t.assignment} · attempt ${t.attempt}` : t.assignment));
    const st = el("p");
    st.append(el("span", `pill ${slug(t.state)}`, t.state));
    if (t.now_min !== undefined) st.append(` minute ${Math.round(t.now_min)} of ${Math.round(t.duration_min)}`);
    c.append(st);
    for (const a of t.alerts || []) c.append(el("p", `alert ${a.kind}`, a.text));
    if (t.exercise) {
      const dl = el("dl", "gauges");
      const add = (k, v) => {
        const d = el("div");
        d.append(el("dt", null, k), el("dd", null, v === null || v === undefined ? "–" : String(v)));
        dl.append(d);
      };
      const done = t.state === "finished";
      const verdict = done && t.passed !== null ? (t.passed ? " pass" : " fail") : "";
      add(done ? "Grade" : "Grade so far", t.grade === null ? null : `${Math.round(t.grade)}${verdict}`);
      add("Answered", pct(t.coverage));
      add("Replies", t.replies);
      add("Mean reply", t.mean_score);
      add("Inbox", t.inbox);
      add("Storm", t.trend);
      c.append(dl);
      const a = el("a", null, "Transcript");
      a.href = t.transcript;
      c.append(a);
    }
    return c;
  }

  function alerts(list) {
    if (!alertList) return;
    alertList.replaceChildren(...list.map((a) => el("li", a.kind, `${a.trainee}: ${a.text}`)));
    alertList.hidden = list.length === 0;
  }

  async function refresh() {
    try {
      const r = await fetch(root.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!r.ok) return;
      const data = await r.json();
      alerts(data.alerts || []);
      root.replaceChildren(...data.trainees.map(card));
    } catch (e) {
      /* keep the last view; try again */
    }
  }

  refresh();
  setInterval(refresh, 3000);
})();
