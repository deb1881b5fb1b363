import { bootstrapGateway } from './app/bootstrap';

void bootstrapGateway();
