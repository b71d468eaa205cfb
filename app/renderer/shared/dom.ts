/** Whether keys belong to a field or the code editor rather than to the canvas. */
export function typingIn(target: EventTarget | null): boolean {
  const element = target as { closest?: (selector: string) => unknown; tagName?: string; isContentEditable?: boolean } | null;
  if (!element || typeof element.closest !== 'function') return false;
  if (element.closest('.monaco-editor')) return true;
  const tag = element.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || element.isContentEditable === true;
}
