// The guestbook HTTP server: the job's main process. bpm runs it as `vcap` inside a runc
// container; it writes its log to stdout/stderr (bpm sends them to
// /var/vcap/sys/log/guestbook/guestbook.{stdout,stderr}.log) and reads what the worker
// process writes into the job's shared volume.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const port = Number(process.env.PORT ?? '8080');
const shared = process.env.SHARED_DIR ?? '/var/vcap/data/guestbook/shared';

function read(file) {
  try {
    return readFileSync(join(shared, file), 'utf8');
  } catch {
    return '';
  }
}

const server = createServer((req, res) => {
  console.log(`${req.method} ${req.url}`);
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  const ticks = read('ticks.log').split('\n').filter(Boolean);
  const body = [
    read('greeting').trim() || 'Hello!',
    `served by pid ${process.pid} as uid ${process.getuid()} in ${process.cwd()}`,
    `the worker has written ${ticks.length} line(s) to ${shared}/ticks.log; last: ${ticks.at(-1) ?? '-'}`,
    '',
  ].join('\n');
  res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
});

server.listen(port, '127.0.0.1', () => console.log(`guestbook: listening on 127.0.0.1:${port}`));

// bpm stop sends TERM (shutdown_signal), then QUIT after 20 s, then KILL: finish quickly.
process.on('SIGTERM', () => {
  console.log('guestbook: TERM received, closing');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
