import { isTerminal } from '../../state-model.js';
import type { ClientServices, OrchestrationRule } from '../types.js';

/** Once its flow run is being cancelled or has finished, a task run must not start. */
export const abortTasksOfStoppingFlows: OrchestrationRule<ClientServices> = {
  name: 'AbortTasksOfStoppingFlows',
  runKinds: ['task'],
  from: [null, 'SCHEDULED', 'PENDING'],
  to: ['RUNNING'],
  before(ctx) {
    const flowState = ctx.services.flowRunStateType(ctx.run.flowRunId);
    if (flowState !== null && (flowState === 'CANCELLING' || isTerminal(flowState))) {
      return {
        decision: 'abort',
        reason: `its flow run is ${flowState.toLowerCase()}`,
        code: flowState === 'COMPLETED' || flowState === 'FAILED' ? 'FLOW_FINISHED' : 'FLOW_STOPPING',
      };
    }
  },
};
