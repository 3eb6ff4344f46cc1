export { LeanGateway } from './gateway';
export { leanFetcher } from './fetcher';
