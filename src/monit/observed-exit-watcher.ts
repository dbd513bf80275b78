// The seam through which a bpm service learns that its process died or runs again, without any
// hook in the supervisor: SupervisedProcess is handed this watcher, which forwards every call to the
// supervisor's one shared ExitWatcher (one poll(2) thread for all) and tells the service after the
// supervisor's own exit handling has run. It never uses its base class's state, so it starts no
// thread of its own.
import { ExitWatcher } from '../sys/exit-watcher.ts';

export interface ExitObserver {
  /** A new process is watched (started or adopted). */
  watched(): void;
  /** The watched process exited (after the supervisor's handler). */
  exited(): void;
}

export class ObservedExitWatcher extends ExitWatcher {
  private readonly shared: ExitWatcher;
  private readonly observer: ExitObserver;

  constructor(shared: ExitWatcher, observer: ExitObserver) {
    super();
    this.shared = shared;
    this.observer = observer;
  }

  override watch(pidfd: number, onExit: () => void): void {
    this.shared.watch(pidfd, () => {
      onExit();
      this.observer.exited();
    });
    this.observer.watched();
  }

  override unwatch(pidfd: number): void {
    this.shared.unwatch(pidfd);
  }

  override close(): void {
    // The shared watcher is closed by its owner.
  }
}
