// `bpm pid` stdout (cli.md §6): the container init's host pid in decimal and a newline.
export function renderPid(pid: number): string {
  return `${pid}\n`;
}
