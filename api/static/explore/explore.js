// The nhskg explorer: a thin page over the HTTP API (/entities, /subgraph,
// /entities/{id}/accountability, /paths/delegation, /changes, /sources).
// It builds no query of its own and talks to no host but the one serving it.
// Fields are read defensively (id, name, labels, valid_from, valid_to,
// status), so compact or expanded response shapes both render.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const MIN_DAY = '1990-01-01';
  const MAX_DAY = '2026-12-31';

  const state = {
    view: 'neighbourhood',
    seeds: [],            // expanded nodes (neighbourhood view), in order
    selected: null,       // id shown in the entity panel
    selectedEdge: null,   // id of the relationship shown in the panel, while its record loads
    period: false,
    day: null,            // as_of, or the start of the period
    to: null,             // end of the period (exclusive)
    status: 'in_force',
    delegation: { delegator: null, delegate: null, service: null },
    changes: { from: null, to: null },
    ungrouped: [],        // types whose instances are drawn one by one
    note: null,           // why the date moved (a defunct body opens on its last day)
  };
  // A type with at least this many instances in view is drawn as one node ("209 CCGs").
  const GROUP_MIN = 12;
  // Organisation types, told apart by colour (Tableau 20, strong hues first).
  // (Dark2 and its partners: none is a label colour of /explore/style.json.)
  const TYPE_COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#a6761d', '#0b6e99', '#b2182b', '#542788', '#01665e',
    '#c51b7d', '#b35806', '#4d9221', '#2166ac', '#35978f', '#8073ac', '#dfc27d', '#80cdc1', '#f4a582', '#666666'];
  const typeOf = new Map();     // entity id -> its organisation type's id (from /queries/entity_types)
  const typeInfo = new Map();   // type id -> { name, plural, colour }
  let style = { labels: {}, relationships: {}, base_label: 'Entity' };
  let cy = null;
  const names = new Map(); // id -> name, from everything drawn or suggested
  let loadSeq = 0;        // a newer load makes an older answer stale

  // ---------- HTTP ----------

  async function api(path, params) {
    const url = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== null && v !== undefined && v !== '') url.searchParams.set(k, v);
    }
    const res = await fetch(url, { headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const err = new Error((body && body.detail) || `${res.status} ${res.statusText}`);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function windowParams() {
    const p = state.period ? { from: state.day, to: state.to } : { as_of: state.day };
    if (state.status !== 'in_force') p.status = state.status;
    return p;
  }

  function describeWindow() {
    return state.period ? `${state.day} to ${state.to} (period)` : `on ${state.day}`;
  }

  // ---------- small helpers ----------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // replaceChildren writes a null child as the text "null": every panel and
  // list is filled through here, which leaves out null, undefined and false.
  function fill(node, ...children) {
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  const idOf = (x) => (x && typeof x === 'object' ? x.id : x) || null;
  const nameOf = (x) => (x && typeof x === 'object' ? (x.name || x.id) : x) || '';
  const labelsOf = (x) => (x && Array.isArray(x.labels) ? x.labels : []);

  function mainLabel(labels) {
    // The most specific label we have a style for: an organisation kind first.
    const styled = labels.filter((l) => style.labels[l]);
    return styled.find((l) => style.labels[l].kind_of) || styled[0] || null;
  }

  function nodeStyle(labels) {
    const lab = mainLabel(labels);
    return lab ? style.labels[lab] : { colour: '#999999', shape: 'ellipse' };
  }

  function addDays(day, n) {
    const d = new Date(day + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function clampDay(day) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day || '')) return null;
    return day < MIN_DAY ? MIN_DAY : day > MAX_DAY ? MAX_DAY : day;
  }

  // Does a record hold in the window shown? (the API's half-open rule)
  function holds(item) {
    const start = state.day;
    const end = state.period ? state.to : addDays(state.day, 1);
    const from = item.valid_from || '0001-01-01';
    const to = item.valid_to || '9999-12-31';
    return from < end && start < to;
  }

  function datesText(item) {
    if (item.event || item.date) return `on ${item.date || item.valid_from}`;
    if (!item.valid_from && !item.valid_to) return 'undated';
    return `${item.valid_from || '…'} to ${item.valid_to || 'now'}`;
  }

  // ---------- the graph ----------

  function initGraph() {
    cy = cytoscape({
      container: $('graph'),
      wheelSensitivity: 0.3,
      minZoom: 0.1,
      maxZoom: 3,
      style: [
        { selector: 'node', style: {
          'background-color': 'data(colour)', shape: 'data(shape)', label: 'data(caption)',
          'font-size': 12, 'text-valign': 'bottom', 'text-margin-y': 4, 'text-wrap': 'wrap', 'text-max-width': 140,
          'text-outline-color': '#ffffff', 'text-outline-width': 2,
          width: 28, height: 28, 'border-width': 1, 'border-color': '#ffffff', color: '#1d2329',
        } },
        { selector: 'node.group', style: { width: 54, height: 54, 'font-size': 14, 'font-weight': 'bold', 'border-width': 3, 'border-color': '#1d2329' } },
        { selector: 'node.tick', style: { width: 1, height: 1, 'background-opacity': 0, 'font-size': 13, color: '#667', 'text-valign': 'top', events: 'no' } },
        { selector: 'node.seed', style: { width: 40, height: 40, 'border-width': 3, 'border-color': '#222' } },
        { selector: 'node.selected', style: { 'border-width': 4, 'border-color': '#f5a623' } },
        { selector: 'node.absent', style: { opacity: 0.35 } },
        { selector: 'edge', style: {
          width: 1.5, 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)', 'target-arrow-shape': 'triangle',
          'curve-style': 'bezier', label: 'data(caption)', 'font-size': 9, color: '#555', 'text-rotation': 'autorotate',
          'text-background-color': '#fff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
        } },
        { selector: 'edge.event', style: { 'line-style': 'dashed', width: 2 } },
        { selector: 'edge.derived', style: { 'line-style': 'dotted', opacity: 0.7 } },
        { selector: 'edge.not-in-force', style: { 'line-style': 'dashed', opacity: 0.6 } },
      ],
    });
    cy.on('tap', 'node', (evt) => onNodeTap(evt.target.id()));
    window.nhskgExplorer = {
      nodeIds: () => cy.nodes().map((n) => n.id()).sort(),
      edgeTypes: () => cy.edges().map((e) => e.data('type')),
      edgeIds: () => cy.edges().map((e) => e.id()).sort(),
      // What a click on an edge does (edges are thin: a script taps them by id).
      tapEdge: (id) => cy.getElementById(id).emit('tap'),
      // Where a node is drawn, in page pixels, so a script can click it.
      nodePosition: (id) => {
        const n = cy.getElementById(id);
        if (!n.length) return null;
        const box = $('graph').getBoundingClientRect();
        const p = n.renderedPosition();
        return { x: box.left + p.x, y: box.top + p.y };
      },
      state: () => JSON.parse(JSON.stringify(state)),
      zoom: () => cy.zoom(),
      nodeColour: (id) => { const n = cy.getElementById(id); return n.length ? n.data('colour') : null; },
      nodeCaption: (id) => { const n = cy.getElementById(id); return n.length ? n.data('caption') : null; },
      nodeCount: () => cy.nodes().length,
      // Pan a node into the middle of the view (a script then clicks it where it is).
      reveal: (id) => { const n = cy.getElementById(id); if (n.length) cy.center(n); },
    };
  }

  function typeColour(typeId) {
    const info = typeInfo.get(typeId);
    return info ? info.colour : null;
  }

  // The organisation type a node is coloured by: its own id for a type.
  function colourType(n) {
    if (labelsOf(n).includes('OrganisationType')) return n.id;
    return typeOf.get(n.id) || null;
  }

  function nodeElement(n, extraClasses) {
    const labels = labelsOf(n);
    const st = { ...nodeStyle(labels) };
    const t = n.group ? n.group.type : colourType(n);
    if (t && typeColour(t)) st.colour = typeColour(t);
    if (n.group) st.shape = 'round-octagon';
    const classes = [...(extraClasses || [])];
    if (state.view === 'lineage') { /* every date at once: nothing is faded */ } else if (!holds(n) || (n.status && n.status !== 'in_force' && state.status === 'in_force')) classes.push('absent');
    return {
      group: 'nodes',
      data: { id: n.id, caption: n.caption || n.name || n.id, colour: st.colour, shape: st.shape, labels, record: n, type: t || '' },
      classes: classes.join(' '),
    };
  }

  function edgeElement(e) {
    const from = e.from || e.source || e.start;
    const to = e.to || e.target || e.end;
    const type = e.type || '';
    const rel = style.relationships[type] || {};
    const isEvent = e.event === true || rel.kind === 'event';
    const classes = [isEvent ? 'event' : '', e.derived ? 'derived' : '', e.status && e.status !== 'in_force' ? 'not-in-force' : ''];
    const when = isEvent && (e.date || e.valid_from) ? ` ${e.date || e.valid_from}` : '';
    return {
      group: 'edges',
      data: { id: e.id || `${from}-${type}-${to}`, source: from, target: to, type, caption: type + when + (e.count > 1 ? ` ×${e.count}` : ''), colour: rel.colour || '#8A8F98', record: e },
      classes: classes.filter(Boolean).join(' '),
    };
  }

  // Replace what is drawn: nodes and edges as the API gives them.
  function draw(nodes, edges, options) {
    const opts = options || {};
    const seen = new Set();
    const elements = [];
    for (const n of nodes) {
      if (!n || !n.id || seen.has(n.id)) continue;
      seen.add(n.id);
      if (n.name) names.set(n.id, n.name);
      const classes = [];
      if ((opts.seeds || []).includes(n.id)) classes.push('seed');
      if (n.id === state.selected) classes.push('selected');
      if (n.group) classes.push('group');
      if (n.tick) classes.push('tick');
      elements.push(nodeElement(n, classes));
    }
    const edgeIds = new Set();
    for (const e of edges) {
      const el = edgeElement(e);
      if (!seen.has(el.data.source) || !seen.has(el.data.target) || edgeIds.has(el.data.id)) continue;
      edgeIds.add(el.data.id);
      elements.push(el);
    }
    cy.elements().remove();
    cy.add(elements);
    const layout = opts.layout === 'preset'
      ? { name: 'preset', positions: (n) => opts.positions[n.id()] || { x: 0, y: 0 }, padding: 30 }
      : opts.layout === 'chain'
      ? { name: 'breadthfirst', directed: true, spacingFactor: 1.1, roots: opts.roots && opts.roots.length ? opts.roots.map((r) => `[id = "${r.replace(/"/g, '\\"')}"]`).join(',') : undefined }
      : (opts.seeds || []).length === 1
        // One entity: it in the middle, its neighbours on rings around it.
        ? { name: 'concentric', concentric: (n) => (n.hasClass('seed') ? 2 : 1), levelWidth: () => 1, minNodeSpacing: 36, padding: 20, animate: false }
        : { name: 'cose', animate: false, randomize: true, nodeRepulsion: () => 12000, idealEdgeLength: () => 100, nodeOverlap: 20, padding: 20 };
    cy.layout(layout).run();
    cy.fit(undefined, 30);
    // Never so far out that captions cannot be read; the user can pan.
    if (cy.zoom() > 1.6) cy.zoom({ level: 1.6, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    if (cy.nodes().length && cy.zoom() < 0.75) { cy.zoom(0.75); cy.center(opts.seeds && opts.seeds.length ? cy.getElementById(opts.seeds[0]) : undefined); }
    setCount();
    drawLegend();
  }

  function setCount() {
    const g = $('graph');
    g.setAttribute('data-node-count', String(cy.nodes().length));
    g.setAttribute('data-edge-count', String(cy.edges().length));
  }

  function setGraphState(s, message) {
    $('graph').setAttribute('data-state', s);
    $('graph-message').textContent = message || '';
    $('graph-message').className = 'graph-message' + (s === 'error' ? ' error' : '');
  }

  // One entry per organisation type drawn (its colour, its name), then one per
  // label of the nodes that have no type (services, Acts, ...).
  function drawLegend() {
    const types = new Map();
    const present = new Map();
    cy.nodes().forEach((n) => {
      if (n.hasClass('tick')) return;
      const t = n.data('type');
      if (t && typeInfo.has(t)) { types.set(t, typeInfo.get(t)); return; }
      const lab = mainLabel(n.data('labels') || []);
      if (lab) present.set(lab, style.labels[lab]);
    });
    fill($('legend'),
      ...[...types.entries()].sort((a, b) => a[1].name.localeCompare(b[1].name)).map(([t, info]) =>
        el('span', { class: 'legend-item', 'data-testid': 'legend-type', 'data-type': t, title: t },
          el('span', { class: 'swatch', style: `background:${info.colour}` }), info.name)),
      ...[...present.entries()].sort().map(([lab, st]) =>
        el('span', { class: 'legend-item', title: st.description },
          el('span', { class: 'swatch', style: `background:${st.colour}` }), lab)));
  }

  // ---------- organisation types: colours and groups ----------

  // A body's organisation type is the one it is an instance of that is not a
  // cohort of another type (cohort_of: the CCGs with delegated primary care,
  // the 2024 specialised-delegation ICBs), so every CCG groups as a CCG.
  async function learnTypes(ids) {
    const unknown = [...new Set(ids)].filter((id) => id && !typeOf.has(id));
    const typesOf = new Map();
    for (let i = 0; i < unknown.length; i += 150) {
      const chunk = unknown.slice(i, i + 150);
      const body = await api('/queries/entity_types', { ids: chunk.join(',') });
      for (const id of chunk) typeOf.set(id, null);
      for (const r of body.rows || []) typesOf.set(r.id, r.types || []);
    }
    const types = new Set([...typesOf.values()].flat());
    for (const id of ids) if (id && id.startsWith('type:')) types.add(id);
    await Promise.all([...types].filter((t) => !typeInfo.has(t)).map(async (t) => {
      let d = { name: t, aliases: [] };
      try { d = await api(`/entities/${encodeURIComponent(t)}`); } catch (err) { /* a type the graph lacks keeps its id */ }
      const aliases = d.aliases || [];
      const plural = aliases.find((a) => /^[A-Z]{2,6}s$/.test(a)) || `${d.name || t}s`;
      typeInfo.set(t, { name: d.name || t, plural, cohortOf: d.cohort_of || null, colour: TYPE_COLOURS[typeInfo.size % TYPE_COLOURS.length] });
    }));
    for (const [id, list] of typesOf) {
      const own = [...list].sort().find((t) => !(typeInfo.get(t) || {}).cohortOf);
      typeOf.set(id, own || list[0] || null);
    }
  }

  // A type's instances in view become one node with their count ("209 CCGs"),
  // unless they are few, the user asked to draw them, or one is in focus.
  // Their relationships are drawn once from the group, with a count.
  function groupInstances(nodes, edges) {
    const keep = new Set([...state.seeds, state.selected]);
    const members = new Map();
    for (const n of nodes) {
      const t = typeOf.get(n.id);
      if (!t || keep.has(n.id) || labelsOf(n).includes('OrganisationType') || state.ungrouped.includes(t)) continue;
      if (!members.has(t)) members.set(t, []);
      members.get(t).push(n);
    }
    const groupOf = new Map();
    const groups = [];
    for (const [t, list] of members) {
      if (list.length < GROUP_MIN) continue;
      const info = typeInfo.get(t) || { plural: t, name: t };
      const id = `group:${t}`;
      groups.push({ id, name: `${list.length} ${info.plural}`, labels: ['Organisation'], group: { type: t, members: list } });
      for (const n of list) groupOf.set(n.id, id);
    }
    if (!groups.length) return { nodes, edges };
    const merged = new Map();
    for (const e of edges) {
      const from = groupOf.get(e.from) || e.from;
      const to = groupOf.get(e.to) || e.to;
      if (from === e.from && to === e.to) { merged.set(e.id || `${from}-${e.type}-${to}`, e); continue; }
      const key = `${from}|${e.type}|${to}`;
      const seen = merged.get(key);
      if (seen) seen.count += 1;
      else merged.set(key, { ...e, id: key, from, to, count: 1, grouped: true });
    }
    return { nodes: [...nodes.filter((n) => !groupOf.has(n.id)), ...groups], edges: [...merged.values()] };
  }

  // ---------- views ----------

  async function loadNeighbourhood(seq) {
    if (!state.seeds.length) {
      draw([], []);
      setGraphState('empty', 'Search for an entity to begin.');
      return;
    }
    const answers = await Promise.all(state.seeds.map((seed) =>
      api('/subgraph', { seed, depth: 1, max_nodes: 1000, ...windowParams() }).catch((err) => ({ error: err, seed }))));
    if (seq !== loadSeq) return;
    const nodes = [];
    const edges = [];
    const problems = [];
    let truncated = false;
    for (const a of answers) {
      if (a.error) { problems.push(`${a.seed}: ${a.error.message}`); continue; }
      nodes.push(...(a.nodes || []));
      edges.push(...(a.edges || []));
      truncated = truncated || a.truncated;
    }
    try { await learnTypes(nodes.map((n) => n.id)); } catch (err) { problems.push(`types: ${err.message}`); }
    if (seq !== loadSeq) return;
    const grouped = groupInstances(nodes, edges);
    draw(grouped.nodes, grouped.edges, { seeds: state.seeds });
    const distinct = new Set(nodes.map((n) => n.id)).size;
    const groups = cy.nodes('.group').length;
    const msg = problems.length ? problems.join('; ')
      : `${state.note ? state.note + ' ' : ''}${distinct} entities ${describeWindow()}${groups ? ` (a type's instances drawn as one node: click it to list, filter or draw them)` : ''}${truncated ? ' (a cap cut the neighbourhood)' : ''}. Click a node to expand it.`;
    setGraphState(problems.length && !cy.nodes().length ? 'error' : 'ready', msg);
  }

  async function loadAccountability(seq) {
    renderAccountabilityControls();
    if (!state.selected) {
      draw([], []);
      setGraphState('empty', 'Choose an entity (search, or click a node) to see whom it answers to.');
      return;
    }
    const body = await api(`/entities/${encodeURIComponent(state.selected)}/accountability`, windowParams());
    if (seq !== loadSeq) return;
    const chains = body.chains || [];
    const nodes = [body.entity || { id: state.selected }];
    const edges = [];
    for (const c of chains) { nodes.push(...(c.nodes || [])); edges.push(...(c.relationships || [])); }
    draw(nodes, edges, { seeds: [state.selected], layout: 'chain', roots: [state.selected] });
    const list = $('view-result');
    fill(list, ...(chains.length ? chains.map((c, i) =>
      el('li', {}, `Chain ${i + 1}: `, ...(c.nodes || []).flatMap((n, j) => [j ? ' → ' : '', entityLink(n)])))
      : [el('li', { text: `${nameOf(body.entity) || state.selected} answers to no one ${describeWindow()}${body.valid_on_date === false ? ' (it does not exist then)' : ''}.` })]));
    setGraphState('ready', `${chains.length} accountability chain(s) ${describeWindow()}.`);
  }

  async function loadDelegation(seq) {
    renderDelegationControls();
    const d = state.delegation;
    if (!d.delegator && !d.delegate && !d.service) {
      draw([], []);
      setGraphState('empty', 'Choose a delegator, a delegate or a service.');
      return;
    }
    const body = await api('/paths/delegation', { delegator: d.delegator, delegate: d.delegate, service: d.service, ...windowParams() });
    if (seq !== loadSeq) return;
    const paths = body.paths || [];
    const nodes = [];
    const edges = [];
    paths.forEach((p, i) => {
      nodes.push(...(p.nodes || []));
      if (Array.isArray(p.relationships) && p.relationships.length) edges.push(...p.relationships);
      else (p.steps || []).forEach((s, j) => edges.push({
        id: `path${i}-step${j}`, type: 'DELEGATES_TO', from: s.from, to: s.to, status: s.status,
        valid_from: s.valid_from, valid_to: s.valid_to, evidence: s.evidence,
      }));
    });
    const roots = [...new Set(paths.map((p) => idOf((p.nodes || [])[0])).filter(Boolean))];
    draw(nodes, edges, { seeds: roots, layout: 'chain', roots });
    fill($('view-result'), ...(paths.length ? paths.map((p, i) =>
      el('li', {}, `Path ${i + 1}: `, ...(p.steps || []).flatMap((s, j) => {
        const byId = Object.fromEntries((p.nodes || []).map((n) => [n.id, n]));
        const parts = [];
        if (!j) parts.push(entityLink(byId[s.from] || { id: s.from }));
        parts.push(' → ', entityLink(byId[s.to] || { id: s.to }));
        const covers = (s.services || []).map(nameOf).join(', ');
        parts.push(el('span', { class: 'muted', text: ` (${covers || 'functions'}; accountable: ${nameOf(s.accountable) || '?'})` }));
        return parts;
      })))
      : [el('li', { text: `No delegation path ${describeWindow()}.` })]));
    setGraphState('ready', `${paths.length} delegation path(s) ${describeWindow()}${body.truncated ? ' (more than shown)' : ''}.`);
  }

  async function loadChanges(seq) {
    renderChangesControls();
    const from = state.changes.from;
    const to = state.changes.to;
    let body;
    try {
      body = await api('/changes', { from, to, limit: 2000, status: state.status !== 'in_force' ? state.status : null });
    } catch (err) {
      if (seq !== loadSeq) return;
      draw([], []);
      if (err.status === 404 && /not found/i.test(err.message)) {
        fill($('view-result'), el('li', { text: 'This server does not answer GET /changes yet.' }));
        setGraphState('error', 'The changes view needs GET /changes, which this server does not have.');
        return;
      }
      throw err;
    }
    if (seq !== loadSeq) return;
    const items = body.items || [];
    const nodes = [];
    const edges = [];
    items.forEach((item, i) => {
      const ents = (item.entities || []).filter((e) => idOf(e));
      for (const e of ents) nodes.push({ ...e, valid_from: null, valid_to: null });
      // A change naming several entities (X established by Act Y, X succeeded by Z) links them, on its date.
      for (const other of ents.slice(1)) {
        edges.push({ id: `change${i}-${idOf(other)}`, type: item.kind || 'change', from: idOf(ents[0]), to: idOf(other), event: true, date: item.date });
      }
    });
    // Register rows of one type (211 CCGs established) are drawn as one node with their count.
    await learnTypes(nodes.map((n) => n.id)).catch(() => null);
    if (seq !== loadSeq) return;
    const grouped = groupInstances(nodes, edges);
    draw(grouped.nodes, grouped.edges);
    fill($('view-result'), ...(items.length ? items.map((item) =>
      el('li', { 'data-testid': 'change' },
        el('span', { class: 'date', text: item.date || '' }), ' ',
        el('span', { class: 'kind', text: item.kind || '' }), ' ',
        ...(item.entities || []).flatMap((e, i) => [i ? ', ' : '', entityLink(e)]),
        item.description ? el('div', { class: 'muted', text: item.description }) : null,
        evidenceList(item.evidence)))
      : [el('li', { text: `Nothing changed between ${from} and ${to}.` })]));
    setGraphState('ready', `${body.total ?? items.length} change(s) between ${from} and ${to}, the headlines first (${new Set(nodes.map((n) => n.id)).size} entities).`);
  }

  // Who became whom, when: the body's predecessors and successors from
  // /entities/{id}/history, laid out left to right by the year each began.
  async function loadLineage(seq) {
    renderLineageControls();
    if (!state.selected) {
      draw([], []);
      setGraphState('empty', 'Choose an entity (search, or click a node) to see its predecessors and successors.');
      return;
    }
    const body = await api(`/entities/${encodeURIComponent(state.selected)}/history`);
    if (seq !== loadSeq) return;
    const items = [...(body.predecessors || []), ...(body.successors || [])];
    const nodes = [body.entity || { id: state.selected }, ...items.map((i) => i.node)];
    const steps = new Map();
    for (const i of items) for (const s of i.steps || []) steps.set(s.id, s);
    await learnTypes(nodes.map((n) => n.id)).catch(() => null);
    if (seq !== loadSeq) return;
    const yearOf = (n) => Number((n.valid_from || '1990').slice(0, 4));
    const years = [...new Set(nodes.map(yearOf))].sort((a, b) => a - b);
    const column = new Map(years.map((y, i) => [y, i]));
    const rows = new Map();
    const positions = {};
    for (const n of [...nodes].sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id))) {
      const x = column.get(yearOf(n));
      const y = rows.get(x) || 0;
      rows.set(x, y + 1);
      positions[n.id] = { x: x * 230, y: y * 64 };
    }
    const ticks = years.map((y) => ({ id: `tick:${y}`, name: String(y), tick: true, labels: [] }));
    for (const y of years) positions[`tick:${y}`] = { x: column.get(y) * 230, y: -56 };
    const shown = nodes.map((n) => ({ ...n, caption: `${n.name || n.id}\n${n.valid_from || '…'} – ${n.valid_to || 'now'}` }));
    const edges = [...steps.values()].map((s) => ({ ...s, event: true }));
    draw([...shown, ...ticks], edges, { seeds: [state.selected], layout: 'preset', positions });
    const ordered = [...steps.values()].sort((a, b) => String(a.date).localeCompare(String(b.date)));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    fill($('view-result'), ...(ordered.length ? ordered.map((s) =>
      el('li', { 'data-testid': 'lineage-step' },
        el('span', { class: 'date', text: s.date || '' }), ' ',
        el('span', { class: 'kind', text: s.type === 'RENAMED_TO' ? 'renamed' : 'succeeded by' }), ' ',
        entityLink(byId.get(s.from) || { id: s.from }), ' → ', entityLink(byId.get(s.to) || { id: s.to }),
        s.statute ? el('div', { class: 'muted' }, 'under ', entityLink(s.statute)) : null))
      : [el('li', { text: `${nameOf(body.entity) || state.selected} has no recorded predecessor or successor.` })]));
    const about = $('view-controls').querySelector('p.muted');
    if (about) about.textContent = `Who ${nameOf(body.entity) || state.selected} replaced and who replaced it (succeeded by, merged into, renamed), all dates, left to right by the year each began.`;
    setGraphState('ready', `${(body.predecessors || []).length} predecessor(s) and ${(body.successors || []).length} successor(s) of ${nameOf(body.entity) || state.selected}, all dates.`);
  }

  function renderLineageControls() {
    fill($('view-controls'),
      el('h2', { text: 'Lineage' }),
      el('p', { class: 'muted', text: `Who ${state.selected ? nameOf(cyRecord(state.selected)) || state.selected : 'the selected body'} replaced and who replaced it (succeeded by, merged into, renamed), all dates, left to right by the year each began.` }),
      el('ol', { id: 'view-result', class: 'result' }),
    );
  }

  const LOADERS = { neighbourhood: loadNeighbourhood, accountability: loadAccountability, delegation: loadDelegation, changes: loadChanges, lineage: loadLineage };

  async function refresh() {
    const seq = ++loadSeq;
    state.selectedGroup = null;
    syncUrl();
    updateExports();
    for (const b of document.querySelectorAll('nav.views button')) b.setAttribute('aria-selected', String(b.dataset.view === state.view));
    if (state.view === 'neighbourhood') renderNeighbourhoodControls();
    setGraphState('loading', 'Loading…');
    try {
      await LOADERS[state.view](seq);
    } catch (err) {
      if (seq === loadSeq) setGraphState('error', err.message);
    }
    if (state.selected) showEntity(state.selected);
  }

  // ---------- view controls ----------

  function renderNeighbourhoodControls() {
    const box = $('view-controls');
    fill(box, 
      el('h2', { text: 'Neighbourhood' }),
      el('p', { class: 'muted', text: 'Everything one step from each expanded entity, in the chosen date or period. Click a node to expand it.' }),
      el('div', {}, ...state.seeds.map((s) => el('span', { class: 'chip' }, s,
        el('button', { class: 'x', title: 'collapse', 'aria-label': `collapse ${s}`, onclick: () => { state.seeds = state.seeds.filter((x) => x !== s); refresh(); } }, '×')))),
    );
  }

  function renderAccountabilityControls() {
    fill($('view-controls'), 
      el('h2', { text: 'Accountability chain' }),
      el('p', { class: 'muted', text: `Whom ${state.selected ? nameOf(cyRecord(state.selected)) || state.selected : 'the selected entity'} answers to, and through whom, ${describeWindow()}.` }),
      el('ol', { id: 'view-result', class: 'result' }),
    );
  }

  function pickerInput(label, key, testid) {
    const current = state.delegation[key];
    const input = el('input', { type: 'search', placeholder: 'search…', 'data-testid': testid, value: current ? names.get(current) || current : '', autocomplete: 'off' });
    const list = el('ul', { class: 'suggestions', role: 'listbox', hidden: true });
    attachSuggest(input, list, (item) => { state.delegation[key] = item.id; refresh(); });
    input.addEventListener('change', () => { if (!input.value) { state.delegation[key] = null; refresh(); } });
    return el('label', { class: 'picker' }, label, el('div', { class: 'search' }, input, list));
  }

  function renderDelegationControls() {
    if ($('view-controls').dataset.view === 'delegation') return; // keep what the user is typing
    $('view-controls').dataset.view = 'delegation';
    fill($('view-controls'), 
      el('h2', { text: 'Delegation path' }),
      el('p', { class: 'muted', text: 'How a function travels from its statutory holder to the body that carries it out. Delegation does not move accountability.' }),
      pickerInput('Delegator', 'delegator', 'delegator'),
      pickerInput('Delegate', 'delegate', 'delegate'),
      pickerInput('Service', 'service', 'service'),
      el('ol', { id: 'view-result', class: 'result' }),
    );
  }

  function renderChangesControls() {
    if (!state.changes.from) {
      state.changes.from = state.period ? state.day : `${state.day.slice(0, 4)}-01-01`;
      state.changes.to = state.period ? state.to : `${Number(state.day.slice(0, 4)) + 1}-01-01`;
    }
    if ($('view-controls').dataset.view === 'changes') return;
    $('view-controls').dataset.view = 'changes';
    const from = el('input', { type: 'date', 'data-testid': 'changes-from', min: MIN_DAY, max: MAX_DAY, value: state.changes.from });
    const to = el('input', { type: 'date', 'data-testid': 'changes-to', min: MIN_DAY, max: MAX_DAY, value: state.changes.to });
    const apply = () => { state.changes.from = clampDay(from.value) || state.changes.from; state.changes.to = clampDay(to.value) || state.changes.to; refresh(); };
    from.addEventListener('change', apply);
    to.addEventListener('change', apply);
    fill($('view-controls'), 
      el('h2', { text: 'What changed' }),
      el('p', { class: 'muted', text: 'Bodies established, abolished, merged or renamed, and relationships that began or ended, between two dates.' }),
      el('label', {}, 'from ', from), ' ', el('label', {}, 'to ', to),
      el('ol', { id: 'view-result', class: 'result' }),
    );
  }

  function setView(view) {
    if (!LOADERS[view]) return;
    state.view = view;
    delete $('view-controls').dataset.view;
    if (view === 'delegation' && state.selected && !state.delegation.delegator && !state.delegation.delegate) {
      state.delegation.delegator = state.selected;
    }
    refresh();
  }

  // ---------- the entity panel ----------

  function cyRecord(id) {
    const n = cy && cy.getElementById(id);
    return n && n.length ? n.data('record') : null;
  }

  function entityLink(item) {
    const id = idOf(item);
    return el('a', { href: `?seed=${encodeURIComponent(id)}`, class: 'entity-link', 'data-id': id,
      onclick: (ev) => { ev.preventDefault(); openEntity(id); } }, nameOf(item) || id);
  }

  function sourceLink(sourceId) {
    return el('a', { href: `/sources/${encodeURIComponent(sourceId)}`, class: 'source-link', 'data-source': sourceId,
      onclick: (ev) => { ev.preventDefault(); showSource(sourceId); } }, sourceId);
  }

  function evidenceList(evidence) {
    if (!Array.isArray(evidence) || !evidence.length) return null;
    return el('ul', { class: 'evidence' }, ...evidence.map((ev) => {
      const text = ev.quote || ev.paraphrase || ev.text || '';
      const isParaphrase = ev.kind === 'paraphrase' || (!ev.quote && ev.paraphrase);
      return el('li', { 'data-testid': 'evidence' },
        isParaphrase ? el('span', { class: 'kind', text: 'paraphrase: ' }) : null,
        el(isParaphrase ? 'span' : 'q', { class: isParaphrase ? 'paraphrase' : 'quote', text }),
        el('div', { class: 'cite' }, ev.kind && !isParaphrase ? `${ev.kind} · ` : '', sourceLink(ev.source_id || ev.source), ev.locator ? ` · ${ev.locator}` : ''));
    }));
  }

  const HIDDEN_PROPS = new Set(['id', 'name', 'labels', 'evidence', 'sources', 'valid_from', 'valid_to', 'status', 'description', 'aliases',
    'evidence_sources', 'evidence_kinds', 'evidence_locators', 'source_ids', 'properties', 'neighbours', 'neighbours_by_direction']);

  function propertyRows(detail) {
    const rows = [];
    for (const [k, v] of Object.entries(detail)) {
      if (HIDDEN_PROPS.has(k) || v === null || v === undefined || (Array.isArray(v) && !v.length) || typeof v === 'object' && !Array.isArray(v)) continue;
      rows.push(el('tr', {}, el('th', { text: k }), el('td', { text: Array.isArray(v) ? v.join(', ') : String(v) })));
    }
    return rows;
  }

  async function showEntity(id) {
    state.selectedEdge = null;
    const panel = $('panel');
    let detail;
    try {
      detail = await api(`/entities/${encodeURIComponent(id)}`);
    } catch (err) {
      fill(panel, el('p', { class: 'error', text: err.message }));
      return;
    }
    if (state.selected !== id || state.selectedGroup) return;
    // Stored properties may sit under `properties` or at the top level.
    const d = { ...(detail.properties || {}), ...(detail.entity || detail) };
    const labels = labelsOf(d).filter((l) => l !== style.base_label);
    const status = d.status || 'in_force';
    const inWindow = holds(d) && (state.status !== 'in_force' || status === 'in_force');
    const evidence = detail.evidence || d.evidence;
    fill(panel, 
      el('h2', { 'data-testid': 'entity-name', text: d.name || d.id }),
      el('div', { class: 'labels' }, ...labels.map((l) => el('span', { class: 'label', style: `background:${(style.labels[l] || {}).colour || '#999'}`, text: l }))),
      el('div', { class: 'meta' }, el('code', { text: d.id }), ' · ', datesText(d), ' · ', el('span', { class: `status status-${status}`, text: status })),
      el('p', { class: inWindow ? 'holds' : 'holds not', 'data-testid': 'holds', text: inWindow ? `Exists ${describeWindow()}.` : `Not in force ${describeWindow()}.` }),
      state.note && state.selected === id ? el('p', { class: 'note', 'data-testid': 'defunct-note', text: state.note }) : null,
      d.description ? el('p', { text: d.description }) : null,
      Array.isArray(d.aliases) && d.aliases.length ? el('p', { class: 'muted', text: `Also: ${d.aliases.join('; ')}` }) : null,
      el('table', { class: 'props' }, ...propertyRows(d)),
      el('div', { class: 'actions' },
        el('button', { 'data-testid': 'expand', onclick: () => expand(id) }, 'Expand'),
        el('button', { 'data-testid': 'focus', onclick: () => openEntity(id) }, 'Focus'),
        el('button', { 'data-testid': 'show-accountability', onclick: () => setView('accountability') }, 'Accountability'),
        el('button', { 'data-testid': 'show-lineage', onclick: () => setView('lineage') }, 'Lineage'),
        el('button', { onclick: () => { state.delegation = { delegator: id, delegate: null, service: null }; setView('delegation'); } }, 'Delegations from here')),
      el('h3', { text: `Evidence (${Array.isArray(evidence) ? evidence.length : 0})` }),
      evidenceList(evidence) || el('p', { class: 'muted', text: 'No evidence on the record itself; its relationships carry their own (click an edge).' }),
      Array.isArray(detail.sources) && detail.sources.length
        ? el('div', {}, el('h3', { text: 'Sources' }), el('ul', {}, ...detail.sources.map((s) => el('li', {}, sourceLink(idOf(s)), ` ${s.title || ''}`))))
        : null,
      el('div', { id: 'source-detail' }),
    );
  }

  async function showSource(id) {
    const box = $('source-detail') || $('panel');
    try {
      const s = await api(`/sources/${encodeURIComponent(id)}`);
      const src = s.source || s;
      fill(box, el('div', { class: 'source', 'data-testid': 'source' },
        el('h3', { text: src.title || src.name || id }),
        el('p', { class: 'muted', text: [src.publisher, src.date || src.published, src.kind].filter(Boolean).join(' · ') }),
        src.url ? el('p', {}, 'Original: ', el('span', { class: 'url', text: src.url })) : null,
        el('p', {}, el('a', { href: `/sources/${encodeURIComponent(id)}`, text: 'the source record (JSON)' }))));
      box.scrollIntoView({ block: 'nearest' });
    } catch (err) {
      fill(box, el('p', { class: 'error', text: err.message }));
    }
  }

  // A subgraph edge is a brief (id, type, ends, dates, status, source_ids):
  // its evidence and other properties come from /relationships/{id} on click.
  async function showEdge(edge) {
    const brief = edge.data('record') || {};
    const isBrief = !Array.isArray(brief.evidence) && Array.isArray(brief.source_ids) && brief.id;
    if (!isBrief) { renderEdge(edge, brief); return; }
    state.selectedEdge = brief.id;
    renderEdge(edge, brief, true);
    let full = brief;
    try {
      full = (await api(`/relationships/${encodeURIComponent(brief.id)}`)).relationship || brief;
    } catch (err) {
      if (state.selectedEdge === brief.id) $('panel').append(el('p', { class: 'error', text: err.message }));
      return;
    }
    if (state.selectedEdge !== brief.id) return;  // another click came first
    edge.data('record', full);
    renderEdge(edge, full);
  }

  function renderEdge(edge, r, loading) {
    fill($('panel'), 
      el('h2', { text: r.type || edge.data('type') }),
      el('p', {}, entityLink(cyRecord(edge.data('source')) || { id: edge.data('source') }), ' → ', entityLink(cyRecord(edge.data('target')) || { id: edge.data('target') })),
      el('div', { class: 'meta' }, datesText(r), ' · ', el('span', { class: 'status', text: r.status || 'in_force' }), r.derived ? ` · derived (${r.rule || 'rule'})` : ''),
      el('table', { class: 'props' }, ...propertyRows(r).filter((row) => !['from', 'to', 'type', 'source_ids', 'event'].includes(row.firstChild.textContent))),
      el('h3', { text: 'Evidence' }),
      loading ? el('p', { class: 'muted', 'data-testid': 'evidence-loading', text: 'Loading the evidence…' })
        : evidenceList(r.evidence) || el('p', { class: 'muted', text: 'No evidence on this relationship.' }),
      el('div', { id: 'source-detail' }),
    );
  }

  // ---------- actions ----------

  // A body no longer in force on the day shown opens on its last day in force.
  function lastDayIfDefunct(item) {
    state.note = null;
    if (state.period || !item || !item.valid_to || item.valid_to > state.day) return;
    state.day = addDays(item.valid_to, -1);
    state.note = `${item.name || item.id} closed on ${item.valid_to}: shown on its last day in force, ${state.day}.`;
    renderDateControls();
  }

  function openEntity(id, item) {
    lastDayIfDefunct(item);
    state.selected = id;
    state.seeds = [id];
    state.ungrouped = [];
    if (state.view === 'changes' || state.view === 'delegation') state.view = 'neighbourhood';
    delete $('view-controls').dataset.view;
    refresh();
  }

  function expand(id) {
    if (!state.seeds.includes(id)) state.seeds.push(id);
    state.view = 'neighbourhood';
    refresh();
  }

  // A type's instances drawn as one node: list them, filter by the region or
  // ICB they are part of (GET /entities?instance_of=&part_of=), or draw them.
  function showGroup(id) {
    const rec = cyRecord(id);
    if (!rec || !rec.group) return;
    state.selectedGroup = id;  // an entity record still loading must not replace this panel
    const { type, members } = rec.group;
    const info = typeInfo.get(type) || { name: type, plural: type };
    const list = el('ul', { class: 'members', 'data-testid': 'group-members' });
    const showMembers = (items, caption) => fill(list, el('li', { class: 'muted', 'data-testid': 'group-caption', text: caption }),
      ...items.map((m) => el('li', {}, entityLink(m), el('span', { class: 'muted', text: ` ${datesText(m)}` }))));
    showMembers(members, `${members.length} ${info.plural} ${describeWindow()}:`);
    const byName = el('input', { type: 'search', placeholder: 'filter by name…', 'data-testid': 'group-name-filter', autocomplete: 'off' });
    byName.addEventListener('input', () => {
      const q = byName.value.trim().toLowerCase();
      const kept = members.filter((m) => (m.name || m.id).toLowerCase().includes(q));
      showMembers(kept, `${kept.length} of ${members.length} ${info.plural} whose name contains “${byName.value.trim()}”:`);
    });
    const partInput = el('input', { type: 'search', placeholder: 'a region or ICB…', 'data-testid': 'group-part-filter', autocomplete: 'off' });
    const partList = el('ul', { class: 'suggestions', role: 'listbox', hidden: true });
    attachSuggest(partInput, partList, async (part) => {
      try {
        const body = await api('/entities', { instance_of: type, part_of: part.id, limit: 500, ...windowParams() });
        showMembers(body.items || [], `${body.total} ${info.plural} part of ${part.name || part.id} ${describeWindow()}:`);
      } catch (err) {
        fill(list, el('li', { class: 'error', text: err.message }));
      }
    });
    fill($('panel'),
      el('h2', { 'data-testid': 'entity-name', text: rec.name }),
      el('p', { class: 'muted', text: `${info.name} (${type}): its instances in view, drawn as one node.` }),
      el('div', { class: 'actions' },
        el('button', { 'data-testid': 'group-expand', onclick: () => { state.ungrouped.push(type); refresh(); } }, `Draw all ${members.length}`),
        el('button', { onclick: () => openEntity(type) }, `Open ${info.name}`)),
      el('label', { class: 'picker' }, 'Part of ', el('div', { class: 'search' }, partInput, partList)),
      el('label', { class: 'picker' }, 'Name ', byName),
      list);
  }

  function onNodeTap(id) {
    if (id.startsWith('group:')) { showGroup(id); return; }
    if (id.startsWith('tick:')) return;
    state.selectedGroup = null;
    state.selected = id;
    cy.nodes().removeClass('selected');
    cy.getElementById(id).addClass('selected');
    if (state.view === 'neighbourhood' && !state.seeds.includes(id)) {
      expand(id);
    } else if (state.view === 'accountability') {
      refresh();
    } else {
      syncUrl();
      updateExports();
      showEntity(id);
    }
  }

  // ---------- search with suggestions ----------

  function attachSuggest(input, list, onPick) {
    let timer = null;
    let seq = 0;
    const close = () => { list.hidden = true; };
    input.addEventListener('input', () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(async () => {
        const mine = ++seq;
        let body;
        try { body = await api('/entities', { q, limit: 12 }); } catch (err) { return; }
        if (mine !== seq) return;
        const items = body.items || [];
        for (const item of items) if (item.id && item.name) names.set(item.id, item.name);
        fill(list, ...(items.length ? items.map((item) =>
          el('li', { role: 'option', 'data-id': item.id, tabindex: '-1',
            onmousedown: (ev) => { ev.preventDefault(); input.value = item.name || item.id; close(); onPick(item); } },
          el('span', { class: 'swatch', style: `background:${nodeStyle(labelsOf(item)).colour}` }),
          el('span', { class: 'name', text: item.name || item.id }),
          el('span', { class: 'muted', text: ` ${mainLabel(labelsOf(item)) || ''} · ${datesText(item)}${item.status && item.status !== 'in_force' ? ' · ' + item.status : ''}${item.match === 'similar' ? ' · similar name' : ''}` })))
          : [el('li', { class: 'muted', text: `Nothing matches “${q}”.` })]));
        list.hidden = false;
      }, 180);
    });
    input.addEventListener('keydown', (ev) => {
      const options = [...list.querySelectorAll('li[data-id]')];
      if (ev.key === 'Escape') close();
      if (ev.key === 'Enter' && options.length && !list.hidden) {
        ev.preventDefault();
        options[0].dispatchEvent(new MouseEvent('mousedown'));
      }
    });
    input.addEventListener('blur', () => setTimeout(close, 150));
  }

  // ---------- date control ----------

  function renderDateControls() {
    $('as-of').value = state.day;
    $('year').value = state.day.slice(0, 4);
    $('year-label').textContent = state.day.slice(0, 4);
    $('period-mode').checked = state.period;
    $('to-wrap').hidden = !state.period;
    $('as-of-caption').textContent = state.period ? 'from' : 'on';
    if (state.period) $('to').value = state.to;
    $('status').value = [...$('status').options].some((o) => o.value === state.status) ? state.status : 'in_force';
  }

  function onDateChange(day) {
    const clean = clampDay(day);
    if (!clean || clean === state.day) return;
    state.day = clean;
    if (state.period && state.to <= state.day) state.to = addDays(state.day, 365);
    state.changes = { from: null, to: null };
    state.note = null;
    delete $('view-controls').dataset.view;
    renderDateControls();
    refresh();
  }

  function bindDateControls() {
    let timer = null;
    const debounced = (fn) => { clearTimeout(timer); timer = setTimeout(fn, 200); };
    $('as-of').addEventListener('change', () => onDateChange($('as-of').value));
    $('as-of').addEventListener('input', () => debounced(() => onDateChange($('as-of').value)));
    $('year').addEventListener('input', () => { $('year-label').textContent = $('year').value; });
    $('year').addEventListener('change', () => {
      const y = $('year').value;
      let day = `${y}${state.day.slice(4)}`;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) day = `${y}-01-01`;
      onDateChange(day);
    });
    $('to').addEventListener('change', () => {
      const to = clampDay($('to').value);
      if (!to || to <= state.day) { renderDateControls(); return; }
      state.to = to;
      state.changes = { from: null, to: null };
      delete $('view-controls').dataset.view;
      refresh();
    });
    $('period-mode').addEventListener('change', () => {
      state.period = $('period-mode').checked;
      if (state.period && (!state.to || state.to <= state.day)) state.to = addDays(state.day, 365);
      state.changes = { from: null, to: null };
      delete $('view-controls').dataset.view;
      renderDateControls();
      refresh();
    });
    $('status').addEventListener('change', () => { state.status = $('status').value; refresh(); });
  }

  // ---------- URL and exports ----------

  function syncUrl() {
    const p = new URLSearchParams();
    const seed = state.selected || state.seeds[0];
    if (seed) p.set('seed', seed);
    for (const [k, v] of Object.entries(windowParams())) p.set(k, v);
    if (state.view !== 'neighbourhood') p.set('view', state.view);
    history.replaceState(null, '', `${window.location.pathname}?${p}`);
  }

  function updateExports() {
    // The API's own exports: the neighbourhood of the entity in focus, in the window shown.
    const seed = state.selected || state.seeds[0];
    for (const [id, format] of [['export-graphml', 'graphml'], ['export-csv', 'csv']]) {
      const a = $(id);
      if (!seed) { a.removeAttribute('href'); a.setAttribute('aria-disabled', 'true'); continue; }
      const p = new URLSearchParams({ seed, depth: '1', ...windowParams(), format });
      a.href = `/subgraph?${p}`;
      a.removeAttribute('aria-disabled');
      a.title = `${format === 'csv' ? 'CSV (zip)' : 'GraphML'} of ${seed}'s neighbourhood ${describeWindow()}`;
    }
  }

  // ---------- start ----------

  function readUrl() {
    const p = new URLSearchParams(window.location.search);
    const today = new Date().toISOString().slice(0, 10);
    const from = clampDay(p.get('from'));
    const to = clampDay(p.get('to'));
    if (from && to && from < to) {
      state.period = true; state.day = from; state.to = to;
    } else {
      state.day = clampDay(p.get('as_of')) || clampDay(today);
      state.to = addDays(state.day, 365);
    }
    state.status = p.get('status') || 'in_force';
    const seed = p.get('seed');
    if (seed) { state.seeds = [seed]; state.selected = seed; }
    const view = p.get('view');
    if (view && LOADERS[view]) state.view = view;
    if (state.view === 'delegation' && seed) state.delegation.delegator = seed;
  }

  async function start() {
    const asked = new URLSearchParams(window.location.search);
    readUrl();
    initGraph();
    renderDateControls();
    bindDateControls();
    attachSuggest($('search'), $('suggestions'), (item) => openEntity(item.id, item));
    for (const b of document.querySelectorAll('nav.views button')) b.addEventListener('click', () => setView(b.dataset.view));
    cy.on('tap', 'edge', (evt) => showEdge(evt.target));
    try {
      style = await api('/explore/style.json');
    } catch (err) {
      setGraphState('error', `Could not load the label styles: ${err.message}`);
    }
    if (state.selected && !asked.get('as_of') && !asked.get('from')) {
      // No date in the link: a body that has closed opens on its last day.
      try {
        const d = await api(`/entities/${encodeURIComponent(state.selected)}`);
        lastDayIfDefunct({ ...(d.properties || {}), id: d.id, name: d.name });
      } catch (err) { /* refresh says why */ }
    }
    await refresh();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
