// `bpm pid` stdout (docs/behaviour/commands.md §6): the container init's host pid in decimal and a newline.
export function renderPid(pid: number): string {
  return `${pid}\n`;
}
