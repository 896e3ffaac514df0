export * from './codec';
export * from './keys';
export * from './case-keys';
