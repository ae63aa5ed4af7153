module example.com/gopsnative/hello

go 1.22
