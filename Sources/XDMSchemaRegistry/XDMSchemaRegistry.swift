// filled by issue 3
