"""Write side: load -> metadata -> tables -> chunks -> embed -> store."""
