export * from './codec';
export * from './keys';
