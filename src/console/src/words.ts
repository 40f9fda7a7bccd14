// The words are the service's as much as the console's (its downloads use them too): one home, beside the service's code.
export * from '../../words';
