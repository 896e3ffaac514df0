export { caseWorkflow } from './case';
export { retentionWorkflow } from './retention';
export { monthlyReportWorkflow } from './report-schedule';
export { policySignalsWorkflow } from './signals';
