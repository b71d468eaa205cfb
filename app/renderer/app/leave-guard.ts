// Whoever holds unsaved work (the builder) says how to ask about it before the page goes, so a
// profile switch, which loads the page again, asks first and then leaves without a second prompt.
type Guard = (action: string) => Promise<boolean>;

let guard: Guard | null = null;
let leaving = false;

export function setLeaveGuard(next: Guard | null): void {
  guard = next;
}

/** Asks about unsaved work before the page goes; true when it may go. */
export async function mayLeave(action: string): Promise<boolean> {
  const ok = guard === null ? true : await guard(action);
  leaving = ok;
  return ok;
}

/** True once the page was allowed to go, so the browser's own prompt is not shown as well. */
export function isLeaving(): boolean {
  return leaving;
}
