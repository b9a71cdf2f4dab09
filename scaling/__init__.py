"""The fleet's scaling decision, shared by the scaler Lambda and the simulator."""
