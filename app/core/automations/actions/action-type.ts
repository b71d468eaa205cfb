import type { z } from 'zod';

/** One kind of action an automation may take: its name and the schema of its settings. Its executor lives on the server. */
export interface ActionType<K extends string, S extends z.ZodType> {
  kind: K;
  description: string;
  schema: S;
}

export function actionType<K extends string, S extends z.ZodType>(type: ActionType<K, S>): ActionType<K, S> {
  return type;
}
