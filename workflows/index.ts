export { caseWorkflow } from './case';
export { retentionWorkflow } from './retention';
