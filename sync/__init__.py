"""What the Debrief app and the central store share, and the central store itself."""
