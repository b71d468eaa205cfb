/** The little of the Web Storage interface the renderer keeps its settings in, so Node tests can give a Map. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
