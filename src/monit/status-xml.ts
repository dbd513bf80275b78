// The answer to `GET /_status2?format=xml` in the shape the BOSH agent decodes (and monit writes):
// `<monit id incarnation version>` with `<services><service name>` (monitor, pendingaction, status,
// status_message, pid, uptime, children, memory, cpu) and `<servicegroups>`. Pure: the caller
// passes every figure.
import type { Vitals } from './process-vitals.ts';
import type { ServiceView } from './service.ts';

export interface StatusDocument {
  id: string;
  incarnation: number;
  version: string;
  nowMs: number;
  services: readonly { view: ServiceView; vitals?: Vitals }[];
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function el(name: string, value: string | number): string {
  return `<${name}>${typeof value === 'number' ? String(value) : xmlEscape(value)}</${name}>`;
}

function fixed1(n: number): string {
  return n.toFixed(1);
}

function serviceXml(view: ServiceView, vitals: Vitals | undefined, nowMs: number): string {
  const parts = [
    el('type', 3),
    el('status', view.status),
    el('monitor', view.monitor),
    el('pendingaction', view.pending),
  ];
  if (view.statusMessage !== undefined) parts.push(el('status_message', view.statusMessage));
  if (view.pid > 0 && vitals !== undefined) {
    const uptime =
      view.startedAt === undefined ? 0 : Math.max(0, Math.floor((nowMs - view.startedAt) / 1000));
    parts.push(
      el('pid', view.pid),
      el('uptime', uptime),
      el('children', vitals.children),
      `<memory>${el('percent', fixed1(vitals.percent))}${el('percenttotal', fixed1(vitals.percentTotal))}` +
        `${el('kilobyte', vitals.kilobyte)}${el('kilobytetotal', vitals.kilobyteTotal)}</memory>`,
      `<cpu>${el('percent', fixed1(vitals.cpuPercent))}${el('percenttotal', fixed1(vitals.cpuPercentTotal))}</cpu>`,
    );
  }
  return `<service name="${xmlEscape(view.name)}">${parts.join('')}</service>`;
}

export function statusXml(doc: StatusDocument): string {
  const groups = new Map<string, string[]>();
  for (const { view } of doc.services) {
    for (const g of view.groups) groups.set(g, [...(groups.get(g) ?? []), view.name]);
  }
  const services = doc.services.map((s) => serviceXml(s.view, s.vitals, doc.nowMs)).join('');
  const groupXml = [...groups]
    .map(
      ([g, names]) =>
        `<servicegroup name="${xmlEscape(g)}">${names.map((n) => el('service', n)).join('')}</servicegroup>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="ISO-8859-1"?>' +
    `<monit id="${xmlEscape(doc.id)}" incarnation="${doc.incarnation}" version="${xmlEscape(doc.version)}">` +
    `<services>${services}</services><servicegroups>${groupXml}</servicegroups></monit>`
  );
}
