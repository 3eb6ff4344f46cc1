export { LeanGateway, type LeanExecutorStats } from './gateway';
