/**
 * A tour's embed page: the snippets (plain HTML, cover mode, each viewer adapter) with this
 * server's public URL and the tour's id, a preview of the registration form, and the check of
 * the origins that loaded the tour's widget (allowed or refused), each refused one with a
 * one-click "allow" form.
 *
 * Without JavaScript every snippet is a selectable block; with it, a small script (under the
 * page's CSP nonce) adds a "copy" button to each that copies through `navigator.clipboard`.
 *
 * The preview is honest about what it is: the server renders the mask's form from the tour's
 * gate config (the same fields, order, requirement marks, consent and marketing box and
 * broker contact the widget gets) as a disabled form that has no action and sends nothing; it
 * is not the widget running.
 */
import { FIELD_LABELS, type GateConfig, SALUTATION_LABELS } from '@tour-gate/shared';
import { html, raw } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import type { EmbedOriginSummary } from '../../store/embed-origins.ts';
import type { Html } from '../../util/html.ts';
import { type ProfileEmbedStrings, profileEmbedStrings } from '../profile-embed-strings.ts';
import type { DashLocale } from '../strings.ts';
import { csrfInput, dayLabel, num } from './format.ts';

const CSS = `
.embed .snippet{margin:8px 0 14px}
.embed .snippet pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;border:1px solid #e4e8ee;
border-radius:6px;padding:10px 12px;white-space:pre;overflow-x:auto;user-select:all;max-width:100%}
.embed .snippet .copy{display:block;margin:0 0 4px auto;font-size:13px;padding:4px 12px}
.embed h3{font-size:15px;margin:14px 0 4px}.embed details{margin:0 0 10px}.embed summary{cursor:pointer;font-weight:600;padding:4px 0}
.embed.cols{display:grid;grid-template-columns:minmax(0,1fr);gap:0 16px;align-items:start}
@media (min-width:960px){.embed.cols{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
.mask{border:1px solid #d5dce4;border-radius:10px;background:#fff;max-width:420px;box-shadow:0 4px 16px #0001}
.mask header{background:none;color:#17212b;padding:14px 16px 6px;display:flex;gap:12px;align-items:center}
.mask header img{max-height:40px;max-width:120px}.mask h4{margin:0;font-size:17px}
.mask .mbody{padding:4px 16px 16px}.mask label{font-size:14px;color:#17212b;margin:8px 0 2px}
.mask input,.mask select,.mask textarea{width:100%;font:inherit;padding:6px 8px;border:1px solid #c3ccd6;border-radius:5px;background:#f8fafc}
.mask .check{display:flex;gap:8px;align-items:flex-start;font-size:13px;margin:10px 0 0}.mask .check input{width:auto;margin-top:3px}
.mask button{margin-top:14px;width:100%}.mask address{font-style:normal;font-size:13px;color:#41505e;margin-top:14px}
.mask fieldset{border:0;padding:0;margin:0}.mask .captcha{border:1px dashed #c3ccd6;border-radius:5px;padding:14px;margin:12px 0 0;text-align:center}
table.origins td form{margin:0}
`;

/** Copies a snippet: buttons are added by this script, so without it there are none. */
const SCRIPT = `for(const pre of document.querySelectorAll('pre[data-copy]')){const b=document.createElement('button');
const box=pre.closest('[data-copy-label]');const label=box.dataset.copyLabel;b.type='button';b.className='plain copy';b.textContent=label;
b.addEventListener('click',async()=>{try{await navigator.clipboard.writeText(pre.textContent);b.textContent=box.dataset.copiedLabel}
catch{b.textContent=box.dataset.failedLabel}setTimeout(()=>{b.textContent=label},3000)});pre.parentElement.insertBefore(b,pre)}`;

export interface EmbedPageInput {
  locale: DashLocale;
  csrf: string;
  nonce: string;
  tour: Tour;
  publicUrl: string;
  origins: EmbedOriginSummary[];
  days: number;
  readOnly: boolean;
  notice?: string | undefined;
  problem?: string | undefined;
}

/** A few viewpoint ids to show in the snippets: the protected ones, else placeholders. */
function sampleViewpoints(tour: Tour): string[] {
  const ids = tour.config.viewpoints.protect === 'list' ? tour.config.viewpoints.ids.slice(0, 4) : [];
  return ids.length ? ids : ['kueche', 'bad'];
}

const jsString = (v: string) => JSON.stringify(v);

interface Snippets {
  plain: string;
  cover: string;
  pannellum: { html: string; script: string };
  psv: { html: string; script: string };
  marzipano: { html: string; script: string };
}

/** The snippets for this tour on this server. */
function snippetsFor(tour: Tour, publicUrl: string): Snippets {
  const server = publicUrl.replace(/\/+$/, '');
  const id = tour.config.id;
  const lang = tour.config.locale;
  const head = `<script type="module" src="${server}/widget.js"></script>`;
  const gate = `<tour-gate server="${server}" tour="${id}" lang="${lang}"></tour-gate>`;
  const vps = sampleViewpoints(tour);
  const label = (vp: string) => tour.config.viewpointLabels?.[vp]?.[lang] ?? vp;
  const plain = [
    head,
    gate,
    '',
    ...vps.map((vp) => `<a href="#${vp}" data-gate-viewpoint="${vp}">${label(vp)}</a>`),
  ].join('\n');
  const cover = [
    head,
    `<tour-gate server="${server}" tour="${id}" lang="${lang}" cover style="display:block;aspect-ratio:16/9">`,
    '  <img src="vorschau.jpg" alt="" style="width:100%;height:100%;object-fit:cover" />',
    '</tour-gate>',
  ].join('\n');
  const [first = 'kueche', second = first] = vps;
  const pannellum = {
    html: [head, gate, '<div id="panorama" style="width:100%;aspect-ratio:16/9"></div>'].join('\n'),
    script: [
      "import 'pannellum/build/pannellum.js';",
      "import 'pannellum/build/pannellum.css';",
      "import { gatedPannellum } from '@tour-gate/gate-widget/pannellum';",
      '',
      '// Scenes: your own. Protected ones name their panorama in `assets`; it comes from the gate server.',
      "const tour = await gatedPannellum(window.pannellum, 'panorama', {",
      "  default: { firstScene: new URLSearchParams(location.hash.slice(1)).get('scene') ?? 'eingang' },",
      '  scenes: {',
      `    eingang: { panorama: '/panoramas/eingang.jpg', hotSpots: [{ pitch: 0, yaw: 90, type: 'scene', sceneId: ${jsString(first)} }] },`,
      `    ${jsString(first)}: { hotSpots: [{ pitch: 0, yaw: -90, type: 'scene', sceneId: 'eingang' }] },`,
      '  },',
      `}, { assets: { ${jsString(first)}: ${jsString(`${first}.jpg`)} } });`,
      `// Your own buttons: await tour.go(${jsString(second)});`,
    ].join('\n'),
  };
  const psv = {
    html: [head, gate, '<div id="viewer" style="width:100%;aspect-ratio:16/9"></div>'].join('\n'),
    script: [
      "import { Viewer } from '@photo-sphere-viewer/core';",
      "import { VirtualTourPlugin } from '@photo-sphere-viewer/virtual-tour-plugin';",
      "import { gatedVirtualTour } from '@tour-gate/gate-widget/photo-sphere-viewer';",
      '',
      "const gate = document.querySelector('tour-gate');",
      `const nodes = { /* your nodes; protected: ${vps.map(jsString).join(', ')} */ };`,
      'const tour = gatedVirtualTour({',
      '  gate,',
      "  getNode: async (id) => ({ ...nodes[id], panorama: nodes[id].protected ? (await gate.guard(id), gate.assetUrl(id + '.jpg')) : nodes[id].panorama }),",
      '  preload: true,',
      '});',
      "const viewer = new Viewer({ container: 'viewer', plugins: [[VirtualTourPlugin, { ...tour.pluginOptions, renderMode: '3d' }]] });",
      "const wanted = new URLSearchParams(location.hash.slice(1)).get('node') ?? 'wohnzimmer';",
      "await tour.start(viewer.getPlugin(VirtualTourPlugin), wanted, 'wohnzimmer');",
    ].join('\n'),
  };
  const marzipano = {
    html: [head, gate, '<div id="pano" style="width:100%;aspect-ratio:16/9"></div>'].join('\n'),
    script: [
      "import Marzipano from 'marzipano';",
      "import { gatedSceneSwitch } from '@tour-gate/gate-widget/marzipano';",
      '',
      "const viewer = new Marzipano.Viewer(document.getElementById('pano'));",
      "const gate = document.querySelector('tour-gate');",
      `const rooms = { /* your rooms; protected: ${vps.map(jsString).join(', ')} */ };`,
      'const scenes = new Map();',
      'const tour = await gatedSceneSwitch((id) => {',
      "  const url = rooms[id].protected ? gate.assetUrl(id + '.jpg') : '/panoramas/' + id + '.jpg';",
      '  if (!url) return; // offline: no fresh grant',
      '  if (!scenes.has(id)) scenes.set(id, viewer.createScene({ source: Marzipano.ImageUrlSource.fromString(url), geometry, view }));',
      '  scenes.get(id).switchTo();',
      '}, { gate });',
      `hotspotElement.addEventListener('click', () => tour.go(${jsString(first)}));`,
      "await tour.start(new URLSearchParams(location.hash.slice(1)).get('scene') ?? 'wohnzimmer', 'wohnzimmer');",
    ].join('\n'),
  };
  return { plain, cover, pannellum, psv, marzipano };
}

function snippet(name: string, text: string): Html {
  return html`<div class="snippet"><pre data-copy id="snippet-${name}" tabindex="0">${text}</pre></div>`;
}

/** The mask's registration form, rebuilt from the gate config: disabled, no action, sends nothing. */
function preview(gate: GateConfig, l: DashLocale, e: ProfileEmbedStrings['embed']): Html {
  const broker = gate.broker.name;
  const labelOf = (f: GateConfig['fields'][number]) =>
    f.label?.[l] ?? FIELD_LABELS[l][f.key as keyof (typeof FIELD_LABELS)['de']] ?? f.key;
  const field = (f: GateConfig['fields'][number]) => {
    const label = html`${labelOf(f)}${f.required ? ' *' : ''}`;
    const fid = `pv-${f.key}`;
    if (f.type === 'checkbox')
      return html`<div class="check"><input type="checkbox" id="${fid}"><label for="${fid}">${label}</label></div>`;
    const control =
      f.type === 'select'
        ? html`<select id="${fid}"><option>${e.previewChoose}</option>${(f.options ?? []).map(
            (o) =>
              html`<option>${
                o.label?.[l] ??
                (f.key === 'salutation' ? SALUTATION_LABELS[l][o.value as 'ms' | 'mr' | 'diverse'] : undefined) ??
                o.value
              }</option>`,
          )}</select>`
        : f.type === 'textarea'
          ? html`<textarea id="${fid}" rows="2"></textarea>`
          : html`<input id="${fid}" type="${f.type === 'email' || f.type === 'tel' ? f.type : 'text'}">`;
    return html`<label for="${fid}">${label}</label>${control}`;
  };
  const b = gate.broker;
  return html`<div class="mask" aria-label="${e.preview}">
  <header>${b.logoUrl ? html`<img src="${b.logoUrl}" alt="${broker}">` : ''}<h4>${gate.title}</h4></header>
  <div class="mbody">
    <p class="small">${gate.mode === 'manual' ? e.previewIntroManual(broker) : e.previewIntroEmail(broker)}</p>
    <p class="small muted">${e.previewRequiredNote}</p>
    <form class="preview-form" aria-disabled="true"><fieldset disabled>
      ${gate.fields.map(field)}
      <div class="check"><input type="checkbox" id="pv-consent"><label for="pv-consent">${e.previewConsent(broker)} *</label></div>
      ${
        gate.consent.marketing
          ? html`<div class="check"><input type="checkbox" id="pv-marketing"><label for="pv-marketing">${e.previewMarketing(broker)}</label></div>`
          : ''
      }
      ${gate.captcha ? html`<p class="captcha small muted">${e.previewCaptcha}</p>` : ''}
      <button class="primary" type="button">${e.previewSubmit}</button>
    </fieldset></form>
    <address><strong>${e.previewContact}</strong><br>${b.name}${b.company ? html`<br>${b.company}` : ''}${
      b.address ? html`<br>${b.address}` : ''
    }${b.email ? html`<br>${b.email}` : ''}${b.phone ? html`<br>${b.phone}` : ''}${b.website ? html`<br>${b.website}` : ''}</address>
  </div>
</div>`;
}

function checkSection(v: EmbedPageInput, e: ProfileEmbedStrings['embed']): Html {
  const id = v.tour.config.id;
  const allowed = new Set(v.tour.origins);
  const rows = v.origins.map((o) => {
    const ok = allowed.has(o.origin);
    const action = ok
      ? ''
      : v.readOnly
        ? html`<span class="small muted">${e.fileOnly}</span>`
        : html`<form method="post" action="/dashboard/tours/${id}/embed/allow">
            ${csrfInput(v.csrf)}<input type="hidden" name="origin" value="${o.origin}">
            <button class="primary" type="submit" aria-label="${e.allow}: ${o.origin}">${e.allow}</button>
          </form>`;
    return html`<tr>
  <td class="email" data-label="${e.origin}"><code>${o.origin}</code></td>
  <td class="n" data-label="${e.loads}"><span>${num(o.allowed + o.refused, v.locale)}${
    o.refused ? html` <span class="muted">(${num(o.refused, v.locale)} ${e.refusedLoads})</span>` : ''
  }</span></td>
  <td data-label="${e.lastSeen}">${dayLabel(o.lastDay, v.locale)}</td>
  <td data-label="${e.state}"><span class="badge ${ok ? 'granted' : 'denied'}">${ok ? e.allowedNow : e.refusedNow}</span></td>
  <td class="actions">${action}</td>
</tr>`;
  });
  return html`<section class="card" id="check" aria-labelledby="check-h">
  <h2 id="check-h">${e.check}</h2>
  <p class="small muted">${e.checkIntro(v.days)}</p>
  ${v.readOnly ? html`<p class="notice">${e.fileManaged}</p>` : ''}
  ${
    v.origins.length
      ? html`<table class="cards origins"><thead><tr><th>${e.origin}</th><th class="n">${e.loads}</th><th>${e.lastSeen}</th><th>${e.state}</th><th><span class="sr">${e.allow}</span></th></tr></thead>
  <tbody>${rows}</tbody></table>`
      : html`<p>${e.checkNone}</p>`
  }
  <p class="small muted">${e.alsoSettings}</p>
</section>`;
}

export function embedView(v: EmbedPageInput): Html {
  const e = profileEmbedStrings(v.locale).embed;
  const id = v.tour.config.id;
  const s = snippetsFor(v.tour, v.publicUrl);
  const adapter = (key: 'pannellum' | 'psv' | 'marzipano', title: string) =>
    html`<details><summary>${title}</summary>
  <p class="small muted">${e.adapterHint}</p>
  <h3>${e.htmlPart}</h3>${snippet(`${key}-html`, s[key].html)}
  <h3>${e.scriptPart}</h3>${snippet(`${key}-script`, s[key].script)}
</details>`;
  return html`<style nonce="${v.nonce}">${raw(CSS)}</style>
<p><a href="/dashboard/tours/${id}">← ${e.back}</a> · <a href="/dashboard/tours/${id}/settings">${e.settings}</a></p>
<h1>${e.heading(v.tour.config.title)}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${v.problem ? html`<p class="problem" role="alert">${v.problem}</p>` : ''}
<div class="embed cols" data-copy-label="${e.copy}" data-copied-label="${e.copied}" data-failed-label="${e.copyFailed}">
  <div>
    ${checkSection(v, e)}
    <section class="card" aria-labelledby="code-h">
      <h2 id="code-h">${e.plain}</h2>
      <p class="small muted">${e.intro} ${e.plainHint}</p>
      ${snippet('plain', s.plain)}
      <h2>${e.cover}</h2>
      <p class="small muted">${e.coverHint}</p>
      ${v.tour.config.embedUrl ? '' : html`<p class="small"><strong>${e.coverMissing}</strong></p>`}
      ${snippet('cover', s.cover)}
      ${adapter('pannellum', e.pannellum)}
      ${adapter('psv', e.psv)}
      ${adapter('marzipano', e.marzipano)}
    </section>
  </div>
  <section class="card" aria-labelledby="preview-h">
    <h2 id="preview-h">${e.preview}</h2>
    <p class="small muted">${e.previewHonest} ${e.previewLanguage}</p>
    ${preview(v.tour.gate, v.locale, e)}
  </section>
</div>
<script nonce="${v.nonce}">${raw(SCRIPT)}</script>`;
}
