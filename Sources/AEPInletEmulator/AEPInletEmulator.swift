// filled by issue 5
