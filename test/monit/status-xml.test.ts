import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MONITOR_INIT,
  MONITOR_NOT,
  MONITOR_YES,
  PENDING,
  STATUS_NONEXIST,
  STATUS_OK,
} from '../../src/monit/service.ts';
import { statusXml, xmlEscape } from '../../src/monit/status-xml.ts';
import { parseAgentStatus, servicesInGroup } from './agent/status-xml.ts';

const vitals = {
  children: 2,
  kilobyte: 1000,
  kilobyteTotal: 4004,
  percent: 0.1,
  percentTotal: 0.4,
  cpuPercent: 1.5,
  cpuPercentTotal: 2.5,
};

function doc(): string {
  const base = { groups: ['vcap'], pending: PENDING.none, status: STATUS_OK, pid: 0 };
  return statusXml({
    id: 'abc',
    incarnation: 1700000000,
    version: '5.2.5',
    nowMs: 1_000_000,
    services: [
      {
        view: { ...base, name: 'running', monitor: MONITOR_YES, pid: 42, startedAt: 1_000_000 - 880_183_000 },
        vitals,
      },
      { view: { ...base, name: 'initializing', monitor: MONITOR_INIT } },
      {
        view: { ...base, name: 'stop-pending', monitor: MONITOR_YES, pending: PENDING.stop, pid: 43 },
        vitals,
      },
      { view: { ...base, name: 'unmonitored', monitor: MONITOR_NOT } },
      {
        view: {
          ...base,
          name: 'failing',
          monitor: MONITOR_YES,
          status: STATUS_NONEXIST,
          statusMessage: 'process is not running',
        },
      },
      { view: { ...base, name: 'other-group', groups: ['other'], monitor: MONITOR_YES } },
    ],
  });
}

describe('statusXml', () => {
  test("the agent's decoder reads every service, its state, vitals and the incarnation", () => {
    const st = parseAgentStatus(doc());
    assert.equal(st.incarnation, 1700000000);
    const vcap = servicesInGroup(st, 'vcap');
    assert.deepEqual(
      vcap.map((s) => [s.name, s.status, s.monitored, s.pending, s.errored]),
      [
        ['running', 'running', true, false, false],
        ['initializing', 'starting', true, false, false],
        ['stop-pending', 'running', true, true, false],
        ['unmonitored', 'unknown', false, false, false],
        ['failing', 'failing', true, false, true],
      ],
    );
    const r = vcap[0]!;
    assert.deepEqual(
      [r.uptime, r.memoryKilobytesTotal, r.memoryPercentTotal, r.cpuPercentTotal],
      [880183, 4004, 0.4, 2.5],
    );
    assert.deepEqual(st.groups.get('other'), ['other-group']);
  });

  test('the shape monit writes: root attributes, <services>, <servicegroups>', () => {
    const xml = doc();
    assert.match(
      xml,
      /^<\?xml version="1\.0" encoding="ISO-8859-1"\?><monit id="abc" incarnation="1700000000" version="5\.2\.5"><services>/,
    );
    assert.match(
      xml,
      /<service name="running"><type>3<\/type><status>0<\/status><monitor>1<\/monitor><pendingaction>0<\/pendingaction><pid>42<\/pid><uptime>880183<\/uptime><children>2<\/children><memory><percent>0\.1<\/percent><percenttotal>0\.4<\/percenttotal><kilobyte>1000<\/kilobyte><kilobytetotal>4004<\/kilobytetotal><\/memory><cpu><percent>1\.5<\/percent><percenttotal>2\.5<\/percenttotal><\/cpu><\/service>/,
    );
    assert.match(xml, /<servicegroups><servicegroup name="vcap"><service>running<\/service>/);
  });

  test('names and messages are escaped', () => {
    assert.equal(xmlEscape(`a<b>&"'`), 'a&lt;b&gt;&amp;&quot;&apos;');
  });
});
