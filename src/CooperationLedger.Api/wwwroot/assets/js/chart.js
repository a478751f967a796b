import { h, s, table } from './dom.js';
import { label, partnerKinds, plural, stages } from './format.js';

const widest = 720;
const narrowest = 280;
const labelWidth = 100;
const countWidth = 36;
const rowHeight = 30;
const barHeight = 20;
const top = 8;

/**
 * The pipeline as horizontal bars, one per stage in pipeline order, each stacked by partner kind; the same figures
 * follow as a table, which is what screen readers and narrow screens can rely on.
 */
export function pipelineChart(pipeline, availableWidth) {
  // Drawn at the width it is shown at, so that its text is the same size on a phone as on a laptop.
  const width = Math.round(Math.min(widest, Math.max(narrowest, availableWidth || widest)));
  const byStage = new Map((pipeline.byStage ?? []).map((row) => [row.stage, row.count]));
  // A stage the page does not know yet still gets its bar, after the known ones.
  const stageOrder = [...stages, ...[...byStage.keys()].filter((stage) => !stages.includes(stage))];
  const byKind = new Map((pipeline.byStageAndPartnerKind ?? []).map((row) => [`${row.stage}/${row.partnerKind}`, row.count]));
  const dataKinds = (pipeline.byStageAndPartnerKind ?? []).map((row) => row.partnerKind);
  const kindOrder = [...partnerKinds, ...new Set(dataKinds.filter((kind) => !partnerKinds.includes(kind)))];
  const kinds = kindOrder.filter((kind) => stageOrder.some((stage) => byKind.get(`${stage}/${kind}`)));
  const shownKinds = kinds.length > 0 ? kinds : partnerKinds;
  const stackTotal = (stage) => shownKinds.reduce((sum, kind) => sum + (byKind.get(`${stage}/${kind}`) ?? 0), 0);
  const scaleMax = Math.max(1, ...stageOrder.map(stackTotal));
  const barSpace = width - labelWidth - countWidth;
  const height = top * 2 + rowHeight * stageOrder.length;

  const description = stageOrder
    .map((stage) => `${label(stage)}: ${byStage.get(stage) ?? 0}${kindBreakdown(stage, shownKinds, byKind)}`)
    .join('; ');

  const rows = stageOrder.map((stage, index) => {
    const y = top + index * rowHeight;
    let x = labelWidth;
    const segments = shownKinds.map((kind) => {
      const count = byKind.get(`${stage}/${kind}`) ?? 0;
      if (count === 0) return null;
      const segmentWidth = (count / scaleMax) * barSpace;
      const segment = s('g', { class: 'segment', 'data-kind': kind, 'data-count': count },
        s('rect', { x, y: y + (rowHeight - barHeight) / 2, width: segmentWidth, height: barHeight, class: `fill-${kind}` },
          s('title', {}, `${label(stage)} · ${label(kind)}: ${count}`)),
        segmentWidth >= 18
          ? s('text', { x: x + segmentWidth / 2, y: y + rowHeight / 2, class: 'segment-count', 'text-anchor': 'middle', 'dominant-baseline': 'central' }, String(count))
          : null);
      x += segmentWidth;
      return segment;
    });
    const total = byStage.get(stage) ?? 0;
    return s('g', { class: 'stage-row', 'data-stage': stage, 'data-count': total },
      s('text', { x: labelWidth - 8, y: y + rowHeight / 2, 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'stage-label' }, label(stage)),
      s('line', { x1: labelWidth, x2: labelWidth + barSpace, y1: y + rowHeight / 2, y2: y + rowHeight / 2, class: 'track' }),
      segments,
      s('text', { x: x + 6, y: y + rowHeight / 2, 'dominant-baseline': 'central', class: 'stage-count' }, String(total)));
  });

  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': 'pipeline-chart-title pipeline-chart-desc',
  },
  s('title', { id: 'pipeline-chart-title' }, 'Partnerships by stage, split by partner kind'),
  s('desc', { id: 'pipeline-chart-desc' }, description),
  rows);

  const legend = h('ul', { class: 'legend', 'aria-label': 'Partner kinds' },
    shownKinds.map((kind) => h('li', {}, h('span', { class: `swatch fill-${kind}`, 'aria-hidden': 'true' }), label(kind))));

  const tableRows = stageOrder.map((stage) => h('tr', { 'data-stage': stage },
    h('th', { scope: 'row' }, label(stage)),
    shownKinds.map((kind) => h('td', { class: 'number' }, String(byKind.get(`${stage}/${kind}`) ?? 0))),
    h('td', { class: 'number' }, String(byStage.get(stage) ?? 0))));

  return h('figure', { class: 'pipeline-chart' },
    svg,
    h('figcaption', {}, legend,
      h('p', { class: 'hint' }, 'A partnership with partners of several kinds counts once under each kind.')),
    h('details', {},
      h('summary', {}, 'The pipeline as a table'),
      table(`Partnerships by stage and partner kind on ${pipeline.asOf ?? 'today'}`,
        ['Stage', ...shownKinds.map(label), 'Partnerships'], tableRows)));
}

function kindBreakdown(stage, kinds, byKind) {
  const parts = kinds
    .map((kind) => [kind, byKind.get(`${stage}/${kind}`) ?? 0])
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${plural(count, label(kind).toLowerCase())}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
